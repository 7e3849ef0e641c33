#include "policy/filtered_rows.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <set>
#include <string>
#include <utility>

#include "policy/filtered_rows_fold.h"
#include "policy/parameters.h"
#include "policy/sql_nodes.h"
#include "policy/sql_tree.h"

namespace cleanroom::policy {
namespace {

// One counted column with the largest minimum asked of it: the rows' people as the thresholds
// count them. A minimum below 1 is raised to 1, so that a group without people (the anchor row
// of REMOVE_VALUES, filtered_rows_fold.h) never passes.
struct Counted {
  std::string relation;
  std::string column;
  int64_t minimum = 1;
};

std::vector<Counted> counted_columns(const std::vector<KeptCondition>& kept) {
  std::vector<Counted> out;
  for (const auto& k : kept) {
    auto same = std::find_if(out.begin(), out.end(), [&](const Counted& c) {
      return same_name(c.relation, k.relation) && same_name(c.column, k.column);
    });
    if (same == out.end())
      out.push_back({k.relation, k.column, std::max<int64_t>(k.minimum, 1)});
    else
      same->minimum = std::max(same->minimum, k.minimum);
  }
  return out;
}

json count_distinct(const Counted& c) {
  return distinct_aggregate("count", column_ref(c.relation, c.column));
}

json compare(const char* type, json left, json right) {
  json n = expression_node("COMPARISON", type);
  n["left"] = std::move(left);
  n["right"] = std::move(right);
  return n;
}

// Every count at its minimum: the row's people pass.
json thresholds_met(const std::vector<Counted>& counted) {
  std::vector<json> each;
  for (const auto& c : counted)
    each.push_back(
        compare("COMPARE_GREATERTHANOREQUALTO", count_distinct(c), integer_literal(c.minimum)));
  return conjunction("CONJUNCTION_AND", std::move(each));
}

// Some count under its minimum (written without NOT, which the parser may read back otherwise).
json thresholds_missed(const std::vector<Counted>& counted) {
  std::vector<json> each;
  for (const auto& c : counted)
    each.push_back(compare("COMPARE_LESSTHAN", count_distinct(c), integer_literal(c.minimum)));
  return conjunction("CONJUNCTION_OR", std::move(each));
}

// The row's distinct users: the smallest of its counts, the one a threshold binds on.
json user_count(const std::vector<Counted>& counted) {
  if (counted.size() == 1) return count_distinct(counted[0]);
  json counts = json::array();
  for (const auto& c : counted) counts.push_back(count_distinct(c));
  return function_call("least", std::move(counts));
}

// The tables whose people a counted column holds (its lineage through WITHs and subqueries), by
// their names in the collaboration; the relation's own name when the walk does not know them.
std::vector<std::string> counted_tables(const QueryContext& ctx, const WalkedQuery& walked,
                                        const Counted& c) {
  std::set<std::string> names;
  for (const auto& r : walked.outermost_from) {
    if (!c.relation.empty() && !same_name(r.name, c.relation)) continue;
    for (const auto& col : r.columns)
      if (same_name(col.name, c.column))
        for (const auto& k : col.lineage.values)
          if (k.table >= 0 && static_cast<size_t>(k.table) < ctx.tables.size())
            names.insert(ctx.tables[k.table].name);
  }
  if (names.empty()) names.insert(c.relation.empty() ? c.column : c.relation);
  return {names.begin(), names.end()};
}

// AMC's "<actual> '<data source>' users < <required> required" without its first figure, one
// part per counted table (or tables, through a UNION), joined by " or ".
std::string reason_text(const QueryContext& ctx, const WalkedQuery& walked,
                        const std::vector<Counted>& counted) {
  std::vector<std::string> parts;
  for (const auto& c : counted) {
    std::string tables;
    for (const auto& t : counted_tables(ctx, walked, c))
      tables += (tables.empty() ? "'" : ", '") + t + "'";
    std::string part = tables + " users < " + std::to_string(c.minimum) + " required";
    if (std::find(parts.begin(), parts.end(), part) == parts.end()) parts.push_back(part);
  }
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : " or ") + p;
  return out;
}

json false_constant() {
  json f = true_constant();
  f["child"]["value"]["value"] = "f";
  return f;
}

json typed_null(const char* type) {
  json n = expression_node("CAST", "OPERATOR_CAST");
  n["child"] = null_constant();
  n["cast_type"] = {{"id", type}, {"type_info", nullptr}};
  n["try_cast"] = false;
  return n;
}

json named(json e, const std::string& alias) {
  e["alias"] = alias;
  return e;
}

// The names the query's own output columns certainly have: an alias, or a column named alone.
// (DuckDB names other expressions after their text, "sum(x)", which no option name can be.)
std::vector<std::string> output_names(const json& node) {
  std::vector<std::string> out;
  for (const auto& item : member(node, "select_list")) {
    if (!str(item, "alias").empty()) {
      out.emplace_back(str(item, "alias"));
    } else if (node_class(item) == "COLUMN_REF" && member(item, "column_names").is_array() &&
               !member(item, "column_names").empty()) {
      out.push_back(member(item, "column_names").back().get<std::string>());
    }
  }
  return out;
}

struct OptionColumn {
  const std::string& name;
  const char* option;
};

Status check_option_names(const json& node, const std::vector<OptionColumn>& options) {
  const auto own = output_names(node);
  for (size_t i = 0; i < options.size(); ++i) {
    const auto& o = options[i];
    if (o.name.empty()) continue;
    if (is_reserved_name(o.name))
      return invalid_query(std::string(o.option) + ": names starting with " +
                           std::string(kReservedPrefix) + " are reserved");
    for (size_t j = 0; j < i; ++j)
      if (same_name(options[j].name, o.name))
        return invalid_query(std::string(options[j].option) + " and " + o.option +
                             " name the same column " + o.name + "; give each its own name");
    for (const auto& n : own)
      if (same_name(n, o.name))
        return invalid_query(std::string(o.option) + " names the column " + o.name +
                             ", which the query already answers; give the option column "
                             "another name");
  }
  return {};
}

// A window function of the outermost SELECT (outside its subqueries, which are their own
// queries).
const json* find_window(const json& e) {
  if (e.is_array()) {
    for (const auto& v : e)
      if (const json* w = find_window(v)) return w;
    return nullptr;
  }
  if (!e.is_object()) return nullptr;
  if (node_class(e) == "WINDOW") return &e;
  if (node_class(e) == "SUBQUERY") return nullptr;
  for (const auto& [k, v] : e.items())
    if (const json* w = find_window(v)) return w;
  return nullptr;
}

// REMOVE_VALUES keeps rows whose values are removed, and evaluates their aggregates all the
// same: whatever reads a row's values after grouping must see them removed. The select list,
// ORDER BY and DISTINCT ON are given the removed (NULL) values; window functions and QUALIFY,
// which read other rows' values too, are refused.
Status check_nothing_reads_removed_values(const SqlText& sql, const json& node) {
  const char* why =
      " in the outermost SELECT: with privacyFilteringBehavior REMOVE_VALUES the rows under a "
      "threshold are kept with their values removed, and a window function would still read "
      "them; use REMOVE_ROWS, or compute it outside the workflow";
  if (const json* w = find_window(member(node, "select_list")))
    return sql.error(*w, std::string("a window function") + why);
  if (const json* w = find_window(member(node, "having")))
    return sql.error(*w, std::string("a window function") + why);
  if (const json* w = find_window(member(node, "modifiers")))
    return sql.error(*w, std::string("a window function") + why);
  if (!member(node, "qualify").is_null())
    return sql.error(member(node, "qualify"), std::string("QUALIFY") + why);
  return {};
}

// Where `hide` holds, the row's values are removed: every select item, ORDER BY key and
// DISTINCT ON key is NULL, so that neither the row nor its place in the order tells anything of
// them, and HAVING keeps the row whatever its values (its presence must not depend on them).
void remove_values_where(json& node, const json& hide) {
  std::vector<std::string> aliases;
  for (auto& item : node["select_list"]) {
    json alias = item["alias"];
    if (alias.is_string() && !alias.get<std::string>().empty())
      aliases.push_back(alias.get<std::string>());
    item["alias"] = "";
    item = named(case_when(hide, null_constant(), std::move(item)), alias.get<std::string>());
  }
  // A position (ORDER BY 2) or an alias names a select item, already removed.
  auto remove = [&](json& key) {
    if (integer_constant(key)) return;
    if (node_class(key) == "COLUMN_REF" && member(key, "column_names").size() == 1) {
      const std::string name = member(key, "column_names")[0].get<std::string>();
      if (std::any_of(aliases.begin(), aliases.end(),
                      [&](const std::string& a) { return same_name(a, name); }))
        return;
    }
    key = case_when(hide, null_constant(), std::move(key));
  };
  for (auto& m : node["modifiers"]) {
    if (str(m, "type") == "ORDER_MODIFIER")
      for (auto& o : m["orders"]) remove(o["expression"]);
    if (str(m, "type") == "DISTINCT_MODIFIER" && m["distinct_on_targets"].is_array())
      for (auto& t : m["distinct_on_targets"]) remove(t);
  }
  json& having = node["having"];
  having = having.is_null() ? hide : conjunction("CONJUNCTION_OR", {std::move(having), hide});
}

}  // namespace

Status apply_filtered_rows_options(const SqlText& sql, json& statement, json& naming,
                                   const QueryContext& ctx, const WalkedQuery& walked,
                                   const std::vector<KeptCondition>& kept) {
  const std::string& discriminator = ctx.filtered_rows_discriminator;
  const FilteredRowOptions& options = ctx.filtered_rows;
  const bool remove_values = options.behavior == PrivacyFilteringBehavior::RemoveValues;
  if (discriminator.empty() && options.user_count_column.empty() && options.reason_column.empty() &&
      !remove_values)
    return {};
  json& node = statement["node"];
  if (node_type(node) != "SELECT_NODE")
    return invalid_query(
        "a workflow with filtered-row options (filteredMetricsDiscriminatorColumn, "
        "distinctUserCountColumn, filteredReasonColumn, privacyFilteringBehavior) needs a query "
        "that ends in one SELECT (no UNION, INTERSECT or EXCEPT at the outermost level)");
  CR_TRY(check_option_names(node, {{discriminator, "filteredMetricsDiscriminatorColumn"},
                                   {options.user_count_column, "distinctUserCountColumn"},
                                   {options.reason_column, "filteredReasonColumn"}}));

  // Rules that ask for no threshold remove nothing: the row is as the query answers it.
  json flag = false_constant();
  json count = typed_null("BIGINT");
  json reason = typed_null("VARCHAR");
  if (!kept.empty()) {
    const auto counted = counted_columns(kept);
    const json& groups = member(node, "group_expressions");
    const bool grouped = groups.is_array() && !groups.empty();
    json hide;           // the row's values are removed (REMOVE_VALUES)
    json holds_removed;  // the row holds removed rows; null: none does
    json missed = thresholds_missed(counted);
    count = user_count(counted);
    if (remove_values) CR_TRY(check_nothing_reads_removed_values(sql, node));
    if (grouped && (!discriminator.empty() || remove_values)) {
      CR_ASSIGN(FoldedGroups folded, fold_filtered_rows(node, thresholds_met(counted),
                                                        /*always_answer=*/remove_values));
      replace_group_keys(missed, folded.groups);
      replace_group_keys(count, folded.groups);
      holds_removed = folded.flag;
      if (remove_values) hide = conjunction("CONJUNCTION_AND", {folded.flag, missed});
    } else if (remove_values) {
      // One row, answered whatever it holds: with its values, or without them.
      hide = missed;
      holds_removed = missed;
    }
    if (!hide.is_null()) {
      remove_values_where(node, hide);
      count = case_when(hide, null_constant(), std::move(count));
    }
    if (!holds_removed.is_null()) {
      flag = holds_removed;
      reason = case_when(holds_removed, text_constant(reason_text(ctx, walked, counted)),
                         null_constant());
    }
  }

  // Appended in AMC's order, after the query's own columns.
  auto append = [&](const std::string& name, json value, json type_only) {
    if (name.empty()) return;
    node["select_list"].push_back(named(std::move(value), name));
    naming["node"]["select_list"].push_back(named(std::move(type_only), name));
  };
  append(discriminator, flag, true_constant());
  append(options.user_count_column, count, typed_null("BIGINT"));
  append(options.reason_column, reason, typed_null("VARCHAR"));
  return {};
}

std::string_view to_string(PrivacyFilteringBehavior behavior) {
  return behavior == PrivacyFilteringBehavior::RemoveValues ? "REMOVE_VALUES" : "REMOVE_ROWS";
}

std::optional<PrivacyFilteringBehavior> privacy_filtering_behavior(std::string_view name) {
  if (name == "REMOVE_ROWS") return PrivacyFilteringBehavior::RemoveRows;
  if (name == "REMOVE_VALUES") return PrivacyFilteringBehavior::RemoveValues;
  return std::nullopt;
}

}  // namespace cleanroom::policy
