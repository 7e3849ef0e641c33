#include "policy/analysis_rule.h"

#include <algorithm>
#include <initializer_list>
#include <regex>
#include <set>

#include "common/contains.h"

namespace cleanroom::policy {
namespace {

using nlohmann::json;

// clean-rooms-semantics.md: "Rule JSON ≤ 100 KB".
constexpr size_t kMaxPolicyBytes = 100 * 1024;

// The model's AnalysisRuleColumnName, 1-127 characters; its ColumnName (differentialPrivacy's
// column), up to 128.
constexpr size_t kMaxColumnName = 127;
constexpr size_t kMaxDpColumnName = 128;
const std::regex& column_name_pattern() {
  static const std::regex re("[a-z0-9_](([a-z0-9_ ]+-)*([a-z0-9_ ]+))?");
  return re;
}

// Analysis templates live in this region's memberships only (DESIGN.md: us-east-1 everywhere).
const std::regex& template_arn_pattern() {
  static const std::regex re(
      R"(arn:aws:cleanrooms:us-east-1:\d{12}:membership/[\w-]+/analysistemplate/[\w-]+)");
  return re;
}

const std::vector<std::string> kAggregateFunctions = {"SUM", "SUM_DISTINCT", "COUNT",
                                                      "COUNT_DISTINCT", "AVG"};
const std::vector<std::string> kScalarFunctions = {
    "ABS",     "CAST",      "CEILING",      "COALESCE", "CONVERT",   "CURRENT_DATE",
    "DATEADD", "EXTRACT",   "FLOOR",        "GETDATE",  "LN",        "LOG",
    "LOWER",   "ROUND",     "RTRIM",        "SQRT",     "SUBSTRING", "TO_CHAR",
    "TO_DATE", "TO_NUMBER", "TO_TIMESTAMP", "TRIM",     "TRUNC",     "UPPER"};
const std::vector<std::string> kJoinOperators = {"AND", "OR"};
const std::vector<std::string> kAdditionalAnalyses = {"ALLOWED", "REQUIRED", "NOT_ALLOWED"};

std::string joined(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}

// A member with a wrong shape or value.
Error field_error(const std::string& path, const std::string& message) {
  return Error::validation(message, path);
}

// Members that are well-formed one by one but do not fit together, or do not fit the table.
Error config_error(const std::string& path, const std::string& message) {
  return Error::invalid_configuration(message, path);
}

Status check_column_name(const std::string& c, const std::string& where) {
  if (c.empty() || c.size() > kMaxColumnName || !std::regex_match(c, column_name_pattern()))
    return field_error(where,
                       "'" + c + "' at " + where +
                           " is not a column name (1-127 of a-z, 0-9, _, space and inner -)");
  return {};
}

// One JSON object of the policy, read member by member with paths for the messages. Absent and
// null members are the same: botocore omits what is not given, and a null means "not given".
class Object {
 public:
  Object(const json& j, std::string path) : j_(j), path_(std::move(path)) {}

  Status check_members(std::initializer_list<const char*> known) const {
    if (!j_.is_object()) return field_error(path_, path_ + " must be an object");
    for (const auto& [name, value] : j_.items()) {
      bool ok = std::any_of(known.begin(), known.end(), [&](const char* k) { return name == k; });
      if (!ok) return field_error(at(name), "unknown member " + at(name));
    }
    return {};
  }
  bool has(const char* name) const { return j_.contains(name) && !j_[name].is_null(); }
  const json& operator[](const char* name) const { return j_[name]; }
  std::string at(std::string_view name) const { return path_ + "." + std::string(name); }

  // "" when absent and optional.
  Result<std::string> text(const char* name, bool required,
                           const std::vector<std::string>& one_of) const {
    if (!has(name)) {
      if (required) return field_error(at(name), at(name) + " is required");
      return std::string();
    }
    if (!j_[name].is_string()) return field_error(at(name), at(name) + " must be a string");
    std::string v = j_[name];
    if (!contains(one_of, v))
      return field_error(at(name), at(name) + " must be one of " + joined(one_of));
    return v;
  }

  // A list of strings without repeats; each must be one of `one_of` when that is not empty.
  Result<std::vector<std::string>> texts(const char* name, bool required, size_t min_items,
                                         const std::vector<std::string>& one_of = {}) const {
    if (!has(name)) {
      if (required) return field_error(at(name), at(name) + " is required");
      return std::vector<std::string>();
    }
    if (!j_[name].is_array()) return field_error(at(name), at(name) + " must be a list");
    std::vector<std::string> out;
    for (size_t i = 0; i < j_[name].size(); ++i) {
      const json& e = j_[name][i];
      std::string where = item(name, i);
      if (!e.is_string()) return field_error(where, where + " must be a string");
      std::string v = e;
      if (!one_of.empty() && !contains(one_of, v))
        return field_error(where, where + " is '" + v + "'; it must be one of " + joined(one_of));
      if (contains(out, v))
        return field_error(where, "'" + v + "' appears more than once in " + at(name));
      out.push_back(v);
    }
    if (out.size() < min_items)
      return field_error(at(name), at(name) + " must hold at least " + std::to_string(min_items) +
                                       (min_items == 1 ? " entry" : " entries"));
    return out;
  }

  // A list of column names, each of the model's column-name form.
  Result<std::vector<std::string>> columns(const char* name, bool required,
                                           size_t min_items) const {
    CR_ASSIGN(auto cols, texts(name, required, min_items));
    for (size_t i = 0; i < cols.size(); ++i) CR_TRY(check_column_name(cols[i], item(name, i)));
    return cols;
  }

  // One required column name.
  Result<std::string> column(const char* name) const {
    if (!has(name) || !j_[name].is_string())
      return field_error(at(name), at(name) + " must be a column name");
    std::string c = j_[name];
    CR_TRY(check_column_name(c, at(name)));
    return c;
  }

  // A required, non-empty list of objects, e.g. aggregateColumns.
  Status object_list(const char* name, const char* what) const {
    if (!has(name)) return field_error(at(name), at(name) + " is required");
    if (!j_[name].is_array() || j_[name].empty())
      return field_error(at(name), at(name) + " must hold at least one " + what);
    return {};
  }
  std::string item(const char* name, size_t i) const {
    return at(name) + "[" + std::to_string(i) + "]";
  }

 private:
  const json& j_;
  std::string path_;
};

// Every column a rule names must be one its configured table allows.
class AllowedColumns {
 public:
  explicit AllowedColumns(const std::vector<std::string>& cols)
      : allowed_(cols.begin(), cols.end()) {}
  Status check(const std::vector<std::string>& cols, const std::string& path) const {
    for (const auto& c : cols)
      if (!allowed_.count(c))
        return field_error(path, "column '" + c + "' in " + path +
                                     " is not an allowed column of the configured table");
    return {};
  }

 private:
  std::set<std::string> allowed_;
};

Status check_disjoint(const std::vector<std::string>& a, const char* a_role,
                      const std::vector<std::string>& b, const char* b_role,
                      const std::string& path) {
  for (const auto& c : a)
    if (contains(b, c))
      return config_error(path, "column '" + c + "' cannot be both " + a_role + " and " + b_role);
  return {};
}

Result<AggregationRule> parse_aggregation(const Object& o, const AllowedColumns& allowed) {
  CR_TRY(o.check_members({"aggregateColumns", "joinColumns", "joinRequired", "allowedJoinOperators",
                          "dimensionColumns", "scalarFunctions", "outputConstraints",
                          "additionalAnalyses"}));
  AggregationRule r;
  CR_TRY(o.object_list("aggregateColumns", "aggregate column"));
  for (size_t i = 0; i < o["aggregateColumns"].size(); ++i) {
    Object agg(o["aggregateColumns"][i], o.item("aggregateColumns", i));
    CR_TRY(agg.check_members({"columnNames", "function"}));
    AggregateColumn col;
    CR_ASSIGN(col.column_names, agg.columns("columnNames", true, 1));
    CR_ASSIGN(col.function, agg.text("function", true, kAggregateFunctions));
    CR_TRY(allowed.check(col.column_names, agg.at("columnNames")));
    r.aggregate_columns.push_back(std::move(col));
  }
  CR_ASSIGN(r.join_columns, o.columns("joinColumns", true, 0));
  CR_TRY(allowed.check(r.join_columns, o.at("joinColumns")));
  CR_ASSIGN(r.dimension_columns, o.columns("dimensionColumns", true, 0));
  CR_TRY(allowed.check(r.dimension_columns, o.at("dimensionColumns")));
  // Not confirmed by the service's documentation; the stricter reading: a join column "can never
  // be outputted directly" while a dimension column can, so no column may be both.
  CR_TRY(check_disjoint(r.join_columns, "a join column", r.dimension_columns, "a dimension column",
                        o.at("dimensionColumns")));
  CR_ASSIGN(r.scalar_functions, o.texts("scalarFunctions", true, 0, kScalarFunctions));

  CR_TRY(o.object_list("outputConstraints", "output constraint"));
  for (size_t i = 0; i < o["outputConstraints"].size(); ++i) {
    Object oc(o["outputConstraints"][i], o.item("outputConstraints", i));
    CR_TRY(oc.check_members({"columnName", "minimum", "type"}));
    OutputConstraint c;
    CR_ASSIGN(c.column_name, oc.column("columnName"));
    CR_TRY(allowed.check({c.column_name}, oc.at("columnName")));
    if (!oc.has("minimum") || !oc["minimum"].is_number_integer() ||
        oc["minimum"].get<int64_t>() < 2 || oc["minimum"].get<int64_t>() > 100000)
      return field_error(oc.at("minimum"),
                         oc.at("minimum") + " must be an integer from 2 to 100000");
    c.minimum = oc["minimum"].get<int>();
    CR_ASSIGN(c.type, oc.text("type", true, {"COUNT_DISTINCT"}));
    for (const auto& earlier : r.output_constraints)
      if (earlier.column_name == c.column_name)
        return config_error(oc.at("columnName"),
                            "column '" + c.column_name + "' has more than one output constraint");
    r.output_constraints.push_back(std::move(c));
  }

  CR_ASSIGN(auto join_required, o.text("joinRequired", false, {"QUERY_RUNNER"}));
  r.join_required = !join_required.empty();
  if (r.join_required && r.join_columns.empty())
    return config_error(o.at("joinRequired"),
                        "joinRequired QUERY_RUNNER needs at least one join column: the table could "
                        "never be joined");
  CR_ASSIGN(r.allowed_join_operators, o.texts("allowedJoinOperators", false, 0, kJoinOperators));
  CR_ASSIGN(r.additional_analyses, o.text("additionalAnalyses", false, kAdditionalAnalyses));
  return r;
}

Result<ListRule> parse_list(const Object& o, const AllowedColumns& allowed) {
  CR_TRY(o.check_members(
      {"joinColumns", "allowedJoinOperators", "listColumns", "additionalAnalyses"}));
  ListRule r;
  CR_ASSIGN(r.join_columns, o.columns("joinColumns", true, 1));
  CR_TRY(allowed.check(r.join_columns, o.at("joinColumns")));
  // A list query outputs list columns only; a rule without any could never be queried.
  CR_ASSIGN(r.list_columns, o.columns("listColumns", true, 1));
  CR_TRY(allowed.check(r.list_columns, o.at("listColumns")));
  // The stricter reading, as for aggregation: join columns (identifiers) are never listed.
  CR_TRY(check_disjoint(r.join_columns, "a join column", r.list_columns, "a list column",
                        o.at("listColumns")));
  CR_ASSIGN(r.allowed_join_operators, o.texts("allowedJoinOperators", false, 0, kJoinOperators));
  CR_ASSIGN(r.additional_analyses, o.text("additionalAnalyses", false, kAdditionalAnalyses));
  return r;
}

// The model's DifferentialPrivacyConfiguration: {"columns": [{"name": ColumnName}]}, exactly one
// column (DifferentialPrivacyColumnList, 1..1), which must be one the configured table allows.
Result<std::string> parse_differential_privacy(const Object& dp, const AllowedColumns& allowed) {
  CR_TRY(dp.check_members({"columns"}));
  if (!dp.has("columns")) return field_error(dp.at("columns"), dp.at("columns") + " is required");
  const json& columns = dp["columns"];
  if (!columns.is_array() || columns.size() != 1)
    return field_error(
        dp.at("columns"),
        dp.at("columns") + " must hold exactly one column: the one that identifies your users");
  Object column(columns[0], dp.item("columns", 0));
  CR_TRY(column.check_members({"name"}));
  if (!column.has("name") || !column["name"].is_string())
    return field_error(column.at("name"), column.at("name") + " must be a column name");
  std::string name = column["name"];
  // ColumnName: up to 128 characters of the column-name form.
  if (name.empty() || name.size() > kMaxDpColumnName ||
      !std::regex_match(name, column_name_pattern()))
    return field_error(column.at("name"), "'" + name + "' at " + column.at("name") +
                                              " is not a column name (1-128 of a-z, 0-9, _, "
                                              "space and inner -)");
  CR_TRY(allowed.check({name}, column.at("name")));
  return name;
}

Result<CustomRule> parse_custom(const Object& o, const AllowedColumns& allowed) {
  CR_TRY(o.check_members({"allowedAnalyses", "allowedAnalysisProviders", "additionalAnalyses",
                          "disallowedOutputColumns", "differentialPrivacy"}));
  CustomRule r;
  CR_ASSIGN(r.allowed_analyses, o.texts("allowedAnalyses", true, 0));
  std::vector<std::string> templates;
  bool any_query = false;
  for (size_t i = 0; i < r.allowed_analyses.size(); ++i) {
    const auto& a = r.allowed_analyses[i];
    std::string where = o.item("allowedAnalyses", i);
    if (a == "ANY_QUERY") {
      any_query = true;
    } else if (a == "ANY_JOB") {
      return config_error(
          where,
          "ANY_JOB allows PySpark jobs, which cleanroom does not run; configured tables "
          "take DIRECT_QUERY analyses: ANY_QUERY or analysis template ARNs");
    } else if (a.size() <= 200 && std::regex_match(a, template_arn_pattern())) {
      templates.push_back(a);
    } else {
      return field_error(
          where,
          where +
              " must be ANY_QUERY or an analysis template ARN "
              "(arn:aws:cleanrooms:us-east-1:<account>:membership/<id>/analysistemplate/<id>)");
    }
  }
  CR_ASSIGN(r.allowed_analysis_providers, o.texts("allowedAnalysisProviders", false, 0));
  for (size_t i = 0; i < r.allowed_analysis_providers.size(); ++i) {
    const auto& p = r.allowed_analysis_providers[i];
    if (p.size() != 12 ||
        !std::all_of(p.begin(), p.end(), [](char c) { return c >= '0' && c <= '9'; }))
      return field_error(
          o.item("allowedAnalysisProviders", i),
          "'" + p + "' in " + o.at("allowedAnalysisProviders") + " is not a 12-digit account id");
  }
  // clean-rooms-semantics.md: template ARNs, or ANY_QUERY with providers; not both.
  if (any_query && !templates.empty())
    return config_error(o.at("allowedAnalyses"),
                        "ANY_QUERY cannot be combined with analysis templates: allow "
                        "analysis templates or analysis providers, not both");
  if (!templates.empty() && !r.allowed_analysis_providers.empty())
    return config_error(
        o.at("allowedAnalysisProviders"),
        "allow analysis templates or analysis providers, not both: allowedAnalysisProviders goes "
        "with ANY_QUERY only");
  if (any_query && r.allowed_analysis_providers.empty())
    return config_error(
        o.at("allowedAnalysisProviders"),
        "ANY_QUERY requires allowedAnalysisProviders: the accounts whose queries are allowed");
  if (!any_query && !r.allowed_analysis_providers.empty())
    return config_error(
        o.at("allowedAnalysisProviders"),
        "allowedAnalysisProviders goes with ANY_QUERY only, which allowedAnalyses does not hold");
  CR_ASSIGN(r.disallowed_output_columns, o.columns("disallowedOutputColumns", false, 0));
  CR_TRY(allowed.check(r.disallowed_output_columns, o.at("disallowedOutputColumns")));
  CR_ASSIGN(r.additional_analyses, o.text("additionalAnalyses", false, kAdditionalAnalyses));
  if (o.has("differentialPrivacy")) {
    CR_ASSIGN(r.differential_privacy_column,
              parse_differential_privacy(
                  Object(o["differentialPrivacy"], o.at("differentialPrivacy")), allowed));
  }
  return r;
}

void put_if_given(json& out, const char* name, const std::string& v) {
  if (!v.empty()) out[name] = v;
}
void put_if_given(json& out, const char* name, const std::vector<std::string>& v) {
  if (!v.empty()) out[name] = v;
}

json body_json(const AggregationRule& r) {
  json aggregates = json::array();
  for (const auto& a : r.aggregate_columns)
    aggregates.push_back({{"columnNames", a.column_names}, {"function", a.function}});
  json constraints = json::array();
  for (const auto& c : r.output_constraints)
    constraints.push_back(
        {{"columnName", c.column_name}, {"minimum", c.minimum}, {"type", c.type}});
  json out = {{"aggregateColumns", aggregates},
              {"joinColumns", r.join_columns},
              {"dimensionColumns", r.dimension_columns},
              {"scalarFunctions", r.scalar_functions},
              {"outputConstraints", constraints}};
  if (r.join_required) out["joinRequired"] = "QUERY_RUNNER";
  put_if_given(out, "allowedJoinOperators", r.allowed_join_operators);
  put_if_given(out, "additionalAnalyses", r.additional_analyses);
  return out;
}

json body_json(const ListRule& r) {
  json out = {{"joinColumns", r.join_columns}, {"listColumns", r.list_columns}};
  put_if_given(out, "allowedJoinOperators", r.allowed_join_operators);
  put_if_given(out, "additionalAnalyses", r.additional_analyses);
  return out;
}

json body_json(const CustomRule& r) {
  json out = {{"allowedAnalyses", r.allowed_analyses}};
  put_if_given(out, "allowedAnalysisProviders", r.allowed_analysis_providers);
  put_if_given(out, "disallowedOutputColumns", r.disallowed_output_columns);
  put_if_given(out, "additionalAnalyses", r.additional_analyses);
  if (!r.differential_privacy_column.empty())
    out["differentialPrivacy"] = {
        {"columns", json::array({{{"name", r.differential_privacy_column}}})}};
  return out;
}

}  // namespace

const char* v1_member(AnalysisRuleType t) {
  switch (t) {
    case AnalysisRuleType::Aggregation:
      return "aggregation";
    case AnalysisRuleType::List:
      return "list";
    case AnalysisRuleType::Custom:
      return "custom";
  }
  return "";
}

std::string to_string(AnalysisRuleType type) {
  switch (type) {
    case AnalysisRuleType::Aggregation:
      return "AGGREGATION";
    case AnalysisRuleType::List:
      return "LIST";
    case AnalysisRuleType::Custom:
      return "CUSTOM";
  }
  return "";
}

std::optional<AnalysisRuleType> parse_rule_type(std::string_view name) {
  for (auto t : {AnalysisRuleType::Aggregation, AnalysisRuleType::List, AnalysisRuleType::Custom})
    if (to_string(t) == name) return t;
  return std::nullopt;
}

json AnalysisRule::to_json() const {
  json fields = std::visit([](const auto& r) { return body_json(r); }, body);
  return {{"v1", {{v1_member(type()), fields}}}};
}

Result<AnalysisRule> parse_analysis_rule(std::string_view declared_type, const json& policy,
                                         const std::vector<std::string>& allowed_columns) {
  auto declared = parse_rule_type(declared_type);
  if (!declared)
    return field_error("analysisRuleType",
                       "analysisRuleType must be one of AGGREGATION, LIST, CUSTOM");
  if (policy.dump().size() > kMaxPolicyBytes)
    return field_error("analysisRulePolicy", "analysisRulePolicy is larger than 100 KB");
  Object root(policy, "analysisRulePolicy");
  CR_TRY(root.check_members({"v1"}));
  if (!root.has("v1")) return field_error(root.at("v1"), root.at("v1") + " is required");
  Object v1(root["v1"], root.at("v1"));
  CR_TRY(v1.check_members({"aggregation", "list", "custom"}));
  std::vector<AnalysisRuleType> given;
  for (auto t : {AnalysisRuleType::Aggregation, AnalysisRuleType::List, AnalysisRuleType::Custom})
    if (v1.has(v1_member(t))) given.push_back(t);
  if (given.size() != 1)
    return field_error(root.at("v1"),
                       root.at("v1") + " must hold exactly one of aggregation, list, custom");
  AnalysisRuleType type = given.front();
  if (type != *declared)
    return config_error("analysisRuleType", "analysisRuleType is " + to_string(*declared) +
                                                " but the policy is a " + to_string(type) +
                                                " rule (" + v1.at(v1_member(type)) + ")");

  AllowedColumns allowed(allowed_columns);
  Object body(v1[v1_member(type)], v1.at(v1_member(type)));
  AnalysisRule rule;
  switch (type) {
    case AnalysisRuleType::Aggregation: {
      CR_ASSIGN(auto r, parse_aggregation(body, allowed));
      rule.body = std::move(r);
      break;
    }
    case AnalysisRuleType::List: {
      CR_ASSIGN(auto r, parse_list(body, allowed));
      rule.body = std::move(r);
      break;
    }
    case AnalysisRuleType::Custom: {
      CR_ASSIGN(auto r, parse_custom(body, allowed));
      rule.body = std::move(r);
      break;
    }
  }
  return rule;
}

}  // namespace cleanroom::policy
