#include "policy/filtered_rows_fold.h"

#include <string>
#include <utility>

#include "policy/sql_nodes.h"
#include "policy/sql_tree.h"

namespace cleanroom::policy {
namespace {

constexpr const char* kGroups = "__cleanroom_kept_groups";
constexpr const char* kGroupsAlias = "__cleanroom_kg";
constexpr const char* kPresent = "__cleanroom_present";
constexpr const char* kAnchorAlias = "__cleanroom_anchor_row";
constexpr const char* kAnchor = "__cleanroom_anchor";

std::string key_name(size_t i) { return "__cleanroom_g" + std::to_string(i); }

json present() { return column_ref(kGroupsAlias, kPresent); }

json without_alias(json e) {
  if (e.is_object() && e.contains("alias")) e["alias"] = "";
  return e;
}

json is_null(json e, bool negated) {
  json n = expression_node("OPERATOR", negated ? "OPERATOR_IS_NOT_NULL" : "OPERATOR_IS_NULL");
  n["children"] = json::array({std::move(e)});
  return n;
}

// CASE WHEN <the row's group passed> THEN e END: the group's value, or NULL for removed rows.
json when_kept(json e) {
  json alias = e["alias"];
  json n = case_when(present(), without_alias(std::move(e)), null_constant());
  n["alias"] = std::move(alias);
  return n;
}

// What a GROUP BY entry stands for: a position names a select item; a name that is only a
// select item's alias names that item; anything else is itself.
json group_expression(const json& entry, const json& items) {
  if (auto position = integer_constant(entry))
    if (*position >= 1 && static_cast<size_t>(*position) <= items.size())
      return without_alias(items[*position - 1]);
  if (node_class(entry) == "COLUMN_REF" && member(entry, "column_names").size() == 1) {
    const std::string name = member(entry, "column_names")[0].get<std::string>();
    for (const auto& item : items)
      if (same_name(str(item, "alias"), name) &&
          !(node_class(item) == "COLUMN_REF" &&
            same_name(member(item, "column_names").back().get<std::string>(), name)))
        return without_alias(item);
  }
  return without_alias(entry);
}

// `campaign` and `i.campaign` name the same column here: DuckDB would refuse the name if two
// relations of the FROM clause offered it.
bool same_column(const json& a, const json& b) {
  if (node_class(a) != "COLUMN_REF" || node_class(b) != "COLUMN_REF") return false;
  const json& x = member(a, "column_names");
  const json& y = member(b, "column_names");
  if (!x.is_array() || !y.is_array() || x.empty() || y.empty()) return false;
  if (!same_name(x.back().get<std::string>(), y.back().get<std::string>())) return false;
  return x.size() == 1 || y.size() == 1 ||
         same_name(x.front().get<std::string>(), y.front().get<std::string>());
}

json join(json left, json right, const char* type, json condition) {
  return {{"type", "JOIN"},
          {"alias", ""},
          {"sample", nullptr},
          {"query_location", kNoLocation},
          {"left", std::move(left)},
          {"right", std::move(right)},
          {"condition", std::move(condition)},
          {"join_type", type},
          {"ref_type", "REGULAR"},
          {"using_columns", json::array()},
          {"delim_flipped", false},
          {"duplicate_eliminated_columns", json::array()}};
}

json base_table(const char* name, const char* alias) {
  return {{"type", "BASE_TABLE"},
          {"alias", alias},
          {"sample", nullptr},
          {"query_location", kNoLocation},
          {"schema_name", ""},
          {"table_name", name},
          {"column_name_alias", json::array()},
          {"catalog_name", ""},
          {"at_clause", nullptr}};
}

// (SELECT TRUE AS __cleanroom_anchor) AS __cleanroom_anchor_row: one row, no table.
json anchor_row() {
  json marker = true_constant();
  marker["alias"] = kAnchor;
  json select = {
      {"type", "SELECT_NODE"},
      {"modifiers", json::array()},
      {"cte_map", {{"map", json::array()}}},
      {"select_list", json::array({std::move(marker)})},
      {"from_table",
       {{"type", "EMPTY"}, {"alias", ""}, {"sample", nullptr}, {"query_location", kNoLocation}}},
      {"where_clause", nullptr},
      {"group_expressions", json::array()},
      {"group_sets", json::array()},
      {"aggregate_handling", "STANDARD_HANDLING"},
      {"having", nullptr},
      {"sample", nullptr},
      {"qualify", nullptr}};
  return {{"type", "SUBQUERY"},
          {"alias", kAnchorAlias},
          {"sample", nullptr},
          {"query_location", kNoLocation},
          {"subquery", {{"node", std::move(select)}, {"named_param_map", json::array()}}},
          {"column_name_alias", json::array()}};
}

}  // namespace

json expression_node(const char* cls, const char* type) {
  return {{"class", cls}, {"type", type}, {"alias", ""}, {"query_location", kNoLocation}};
}

json null_constant() {
  json n = expression_node("CONSTANT", "VALUE_CONSTANT");
  n["value"] = {{"type", {{"id", "NULL"}, {"type_info", nullptr}}}, {"is_null", true}};
  return n;
}

json case_when(json when, json then, json otherwise) {
  json n = expression_node("CASE", "CASE_EXPR");
  n["case_checks"] =
      json::array({{{"when_expr", std::move(when)}, {"then_expr", std::move(then)}}});
  n["else_expr"] = std::move(otherwise);
  return n;
}

json conjunction(const char* type, std::vector<json> children) {
  json flat = json::array();
  for (auto& c : children) {
    if (node_class(c) == "CONJUNCTION" && node_type(c) == type) {
      for (auto& grandchild : c["children"]) flat.push_back(std::move(grandchild));
    } else {
      flat.push_back(std::move(c));
    }
  }
  if (flat.size() == 1) return std::move(flat[0]);
  json n = expression_node("CONJUNCTION", type);
  n["children"] = std::move(flat);
  return n;
}

void replace_group_keys(json& e, const std::vector<json>& groups) {
  if (e.is_array()) {
    for (auto& v : e) replace_group_keys(v, groups);
    return;
  }
  if (!e.is_object()) return;
  if (e.contains("class") && e["class"].is_string()) {
    json bare = without_alias(e);
    for (const auto& g : groups)
      if (same_tree(bare, g) || same_column(bare, g)) {
        e = when_kept(std::move(e));
        return;
      }
    if (node_class(e) == "SUBQUERY") return;  // its own scope
  }
  for (auto& [key, value] : e.items()) replace_group_keys(value, groups);
}

Result<FoldedGroups> fold_filtered_rows(json& node, json passes, bool always_answer) {
  const json& entries = member(node, "group_expressions");
  json& sets = node["group_sets"];
  if (!entries.is_array() || entries.empty() || !sets.is_array() || sets.size() != 1 ||
      !sets[0].is_array())
    return Error::internal("only a SELECT with a plain GROUP BY can fold its filtered rows");
  FoldedGroups out;
  for (const auto& entry : entries)
    out.groups.push_back(group_expression(entry, node["select_list"]));
  const auto& groups = out.groups;

  // The groups that pass the thresholds: the same FROM, WHERE and GROUP BY, answering each
  // group's key and a marker.
  json kept = node;
  kept["modifiers"] = json::array();
  kept["cte_map"] = {{"map", json::array()}};
  kept["qualify"] = nullptr;
  kept["having"] = std::move(passes);
  kept["select_list"] = json::array();
  for (size_t i = 0; i < groups.size(); ++i) {
    json key = groups[i];
    key["alias"] = key_name(i);
    kept["select_list"].push_back(std::move(key));
  }
  json marker = true_constant();
  marker["alias"] = kPresent;
  kept["select_list"].push_back(std::move(marker));
  kept["group_expressions"] = groups;
  node["cte_map"]["map"].push_back(
      {{"key", kGroups},
       {"value",
        {{"aliases", json::array()},
         {"query", {{"node", std::move(kept)}, {"named_param_map", json::array()}}},
         {"materialized", "CTE_MATERIALIZE_DEFAULT"},
         {"key_targets", json::array()}}}});

  // Every row, joined to its group's marker when the group passed.
  std::vector<json> on;
  for (size_t i = 0; i < groups.size(); ++i)
    on.push_back({{"class", "COMPARISON"},
                  {"type", "COMPARE_NOT_DISTINCT_FROM"},
                  {"alias", ""},
                  {"query_location", kNoLocation},
                  {"left", groups[i]},
                  {"right", column_ref(kGroupsAlias, key_name(i))}});
  json from = join(std::move(node["from_table"]), base_table(kGroups, kGroupsAlias), "LEFT",
                   conjunction("CONJUNCTION_AND", std::move(on)));
  if (always_answer) {
    // One more row, of NULLs, when no row that WHERE keeps was removed: FULL JOIN keeps the
    // anchor row alone exactly when it matched no such row. The folded group then exists
    // either way, and its presence says nothing about the removed rows.
    json& where = node["where_clause"];
    std::vector<json> removed = {is_null(present(), false)};
    if (!where.is_null()) removed.push_back(where);
    from = join(std::move(from), anchor_row(), "FULL",
                conjunction("CONJUNCTION_AND", std::move(removed)));
    if (!where.is_null())
      where = conjunction("CONJUNCTION_OR",
                          {std::move(where), is_null(column_ref(kAnchorAlias, kAnchor), true)});
  }
  node["from_table"] = std::move(from);

  // Grouped by the key when the group passed, by NULL when it did not.
  node["group_expressions"] = groups;
  replace_group_keys(node["group_expressions"], groups);
  replace_group_keys(node["select_list"], groups);
  replace_group_keys(node["having"], groups);
  replace_group_keys(node["modifiers"], groups);

  out.flag = is_null(present(), false);
  node["group_expressions"].push_back(out.flag);
  sets[0].push_back(groups.size());
  return out;
}

}  // namespace cleanroom::policy
