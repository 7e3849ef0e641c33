#include "core/workflow_output.h"

#include <algorithm>
#include <regex>
#include <utility>

#include "policy/filtered_rows.h"
#include "policy/sql_tree.h"

namespace cleanroom::core {
using nlohmann::json;

namespace {

constexpr size_t kMaxOutputColumns = 100;  // the public model's limit

Status check_output_column(const catalog::WorkflowOutputColumn& c, const std::string& field) {
  if (c.name.empty() || c.name.size() > 128)
    return Error::validation(field + ".name must be 1 to 128 characters", field + ".name");
  const auto& types = policy::output_data_types();
  if (std::find(types.begin(), types.end(), c.data_type) == types.end()) {
    std::string all;
    for (auto t : types) all += (all.empty() ? "" : ", ") + std::string(t);
    return Error::validation(field + ".dataType must be one of " + all, field + ".dataType");
  }
  if (!c.column_type.empty() && c.column_type != "DIMENSION" && c.column_type != "METRIC")
    return Error::validation(field + ".columnType must be DIMENSION or METRIC",
                             field + ".columnType");
  const bool decimal = c.data_type == "DECIMAL";
  if (!decimal && (c.data_type_precision || c.data_type_scale))
    return Error::validation(
        field + ": dataTypePrecision and dataTypeScale are given only with dataType DECIMAL",
        field + ".dataTypePrecision");
  if (c.data_type_precision && (*c.data_type_precision < 1 || *c.data_type_precision > 38))
    return Error::validation(field + ".dataTypePrecision must be between 1 and 38",
                             field + ".dataTypePrecision");
  if (c.data_type_scale &&
      (*c.data_type_scale < 0 || *c.data_type_scale > c.data_type_precision.value_or(38)))
    return Error::validation(
        field + ".dataTypeScale must be between 0 and the precision (at most 38)",
        field + ".dataTypeScale");
  return {};
}

}  // namespace

Status check_output_options(const catalog::WorkflowRecord& w) {
  // A filtered-row option names an output column, each its own.
  static const std::regex column(R"([A-Za-z_][A-Za-z0-9_]{0,127})");
  const std::vector<std::pair<const std::string*, const char*>> options = {
      {&w.filtered_metrics_discriminator_column, "filteredMetricsDiscriminatorColumn"},
      {&w.distinct_user_count_column, "distinctUserCountColumn"},
      {&w.filtered_reason_column, "filteredReasonColumn"}};
  for (size_t i = 0; i < options.size(); ++i) {
    const auto& [value, field] = options[i];
    if (value->empty()) continue;
    if (!std::regex_match(*value, column))
      return Error::validation(
          std::string(field) + " must be a column name: letters, digits and '_'", field);
    for (size_t j = 0; j < i; ++j)
      if (policy::same_name(*options[j].first, *value))
        return Error::validation(std::string(options[j].second) + " and " + field +
                                     " name the same column " + *value + "; give each its own name",
                                 field);
  }
  if (!w.privacy_filtering_behavior.empty() &&
      !policy::privacy_filtering_behavior(w.privacy_filtering_behavior))
    return Error::validation("privacyFilteringBehavior must be REMOVE_ROWS or REMOVE_VALUES",
                             "privacyFilteringBehavior");
  if (w.output_columns.size() > kMaxOutputColumns)
    return Error::validation("outputColumns may list at most 100 columns", "outputColumns");
  for (size_t i = 0; i < w.output_columns.size(); ++i) {
    const std::string field = "outputColumns[" + std::to_string(i) + "]";
    CR_TRY(check_output_column(w.output_columns[i], field));
    for (size_t j = 0; j < i; ++j)
      if (policy::same_name(w.output_columns[j].name, w.output_columns[i].name))
        return Error::validation(
            field + ".name: column " + w.output_columns[i].name + " is listed twice",
            field + ".name");
  }
  return {};
}

OutputOptions output_options_of(const catalog::WorkflowRecord& w) {
  OutputOptions o;
  o.filtered_rows.user_count_column = w.distinct_user_count_column;
  o.filtered_rows.reason_column = w.filtered_reason_column;
  o.filtered_rows.behavior = policy::privacy_filtering_behavior(w.privacy_filtering_behavior)
                                 .value_or(policy::PrivacyFilteringBehavior::RemoveRows);
  for (const auto& c : w.output_columns)
    o.columns.push_back({c.name, c.data_type, c.data_type_precision, c.data_type_scale});
  return o;
}

json output_options_json(const OutputOptions& o) {
  const auto& f = o.filtered_rows;
  if (f.user_count_column.empty() && f.reason_column.empty() &&
      f.behavior == policy::PrivacyFilteringBehavior::RemoveRows && o.columns.empty())
    return nullptr;
  json columns = json::array();
  for (const auto& c : o.columns) {
    json column = {{"name", c.name}, {"dataType", c.data_type}};
    if (c.precision) column["dataTypePrecision"] = *c.precision;
    if (c.scale) column["dataTypeScale"] = *c.scale;
    columns.push_back(std::move(column));
  }
  return {{"distinctUserCountColumn", f.user_count_column},
          {"filteredReasonColumn", f.reason_column},
          {"privacyFilteringBehavior", std::string(policy::to_string(f.behavior))},
          {"outputColumns", std::move(columns)}};
}

OutputOptions output_options_from(const json& j) {
  OutputOptions o;
  if (!j.is_object()) return o;
  o.filtered_rows.user_count_column = j.value("distinctUserCountColumn", "");
  o.filtered_rows.reason_column = j.value("filteredReasonColumn", "");
  o.filtered_rows.behavior =
      policy::privacy_filtering_behavior(j.value("privacyFilteringBehavior", "REMOVE_ROWS"))
          .value_or(policy::PrivacyFilteringBehavior::RemoveRows);
  for (const auto& c : j.value("outputColumns", json::array())) {
    policy::ExpectedColumn column{c.value("name", ""), c.value("dataType", ""), std::nullopt,
                                  std::nullopt};
    if (c.contains("dataTypePrecision")) column.precision = c["dataTypePrecision"].get<int>();
    if (c.contains("dataTypeScale")) column.scale = c["dataTypeScale"].get<int>();
    o.columns.push_back(std::move(column));
  }
  return o;
}

Status check_answered_columns(const std::string& discriminator, const OutputOptions& o,
                              const std::vector<engine::ResultColumn>& answered) {
  if (o.columns.empty()) return {};
  std::vector<std::string> options;
  for (const auto* name :
       {&discriminator, &o.filtered_rows.user_count_column, &o.filtered_rows.reason_column})
    if (!name->empty()) options.push_back(*name);
  std::vector<std::pair<std::string, std::string>> columns;
  for (const auto& c : answered) columns.emplace_back(c.name, c.type);
  return policy::check_output_columns(o.columns, columns, options);
}

}  // namespace cleanroom::core
