#include "policy/filtered_rows.h"

#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "policy/sql_nodes.h"
#include "policy/sql_tree.h"

namespace cleanroom::policy {
namespace {

constexpr const char* kGroups = "__cleanroom_kept_groups";
constexpr const char* kGroupsAlias = "__cleanroom_kg";
constexpr const char* kPresent = "__cleanroom_present";

std::string key_name(size_t i) { return "__cleanroom_g" + std::to_string(i); }

json present() { return column_ref(kGroupsAlias, kPresent); }

json without_alias(json e) {
  if (e.is_object() && e.contains("alias")) e["alias"] = "";
  return e;
}

// CASE WHEN <the row's group passed> THEN e END: the group's value, or NULL for removed rows.
json when_kept(json e) {
  json alias = e["alias"];
  return {
      {"class", "CASE"},
      {"type", "CASE_EXPR"},
      {"alias", std::move(alias)},
      {"query_location", kNoLocation},
      {"case_checks", json::array({{{"when_expr", present()}, {"then_expr", without_alias(e)}}})},
      {"else_expr",
       {{"class", "CONSTANT"},
        {"type", "VALUE_CONSTANT"},
        {"alias", ""},
        {"query_location", kNoLocation},
        {"value", {{"type", {{"id", "NULL"}, {"type_info", nullptr}}}, {"is_null", true}}}}}};
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

// Replaces, everywhere in `e`, a subtree equal to one of `groups` by when_kept(subtree).
void replace_groups(json& e, const std::vector<json>& groups) {
  if (e.is_array()) {
    for (auto& v : e) replace_groups(v, groups);
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
  for (auto& [key, value] : e.items()) replace_groups(value, groups);
}

}  // namespace

Result<bool> fold_filtered_rows(json& statement, const std::string& discriminator) {
  json& node = statement["node"];
  if (node_type(node) != "SELECT_NODE")
    return Error::internal("only a SELECT can fold its filtered rows");
  const json& entries = member(node, "group_expressions");
  if (!entries.is_array() || entries.empty()) return false;
  if (is_reserved_name(discriminator))
    return invalid_query("names starting with " + std::string(kReservedPrefix) + " are reserved");

  std::vector<json> groups;
  for (const auto& entry : entries) groups.push_back(group_expression(entry, node["select_list"]));

  // The groups that pass: the same FROM, WHERE, GROUP BY and HAVING (thresholds included),
  // answering each group's key and a marker.
  json kept = node;
  kept["modifiers"] = json::array();
  kept["cte_map"] = {{"map", json::array()}};
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
  json on = json::array();
  for (size_t i = 0; i < groups.size(); ++i)
    on.push_back({{"class", "COMPARISON"},
                  {"type", "COMPARE_NOT_DISTINCT_FROM"},
                  {"alias", ""},
                  {"query_location", kNoLocation},
                  {"left", groups[i]},
                  {"right", column_ref(kGroupsAlias, key_name(i))}});
  json from = {{"type", "JOIN"},
               {"alias", ""},
               {"sample", nullptr},
               {"query_location", kNoLocation},
               {"left", std::move(node["from_table"])},
               {"right",
                {{"type", "BASE_TABLE"},
                 {"alias", kGroupsAlias},
                 {"sample", nullptr},
                 {"query_location", kNoLocation},
                 {"schema_name", ""},
                 {"table_name", kGroups},
                 {"column_name_alias", json::array()},
                 {"catalog_name", ""},
                 {"at_clause", nullptr}}},
               {"condition", all_of(std::move(on))},
               {"join_type", "LEFT"},
               {"ref_type", "REGULAR"},
               {"using_columns", json::array()},
               {"delim_flipped", false},
               {"duplicate_eliminated_columns", json::array()}};
  node["from_table"] = std::move(from);

  // Grouped by the key when the group passed, by NULL when it did not.
  node["group_expressions"] = groups;
  replace_groups(node["group_expressions"], groups);
  replace_groups(node["select_list"], groups);
  replace_groups(node["having"], groups);
  replace_groups(node["modifiers"], groups);

  json flag = {{"class", "OPERATOR"},
               {"type", "OPERATOR_IS_NULL"},
               {"alias", ""},
               {"query_location", kNoLocation},
               {"children", json::array({present()})}};
  node["group_expressions"].push_back(flag);
  json& sets = node["group_sets"];
  if (sets.is_array() && sets.size() == 1 && sets[0].is_array()) sets[0].push_back(groups.size());
  flag["alias"] = discriminator;
  node["select_list"].push_back(std::move(flag));
  return true;
}

void name_discriminator(json& statement, const std::string& discriminator) {
  json flag = true_constant();
  flag["alias"] = discriminator;
  statement["node"]["select_list"].push_back(std::move(flag));
}

}  // namespace cleanroom::policy
