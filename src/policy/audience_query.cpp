#include "policy/audience_query.h"

#include "policy/sql_parser.h"
#include "policy/sql_tree.h"

namespace cleanroom::policy {
namespace {

// Every CTE name anywhere in the tree: a base table of that name reads the CTE, not a file.
void cte_names(const json& node, std::set<std::string>& out) {
  if (node.is_array()) {
    for (const auto& v : node) cte_names(v, out);
    return;
  }
  if (!node.is_object()) return;
  for (const auto& entry : member(member(node, "cte_map"), "map"))
    if (member(entry, "key").is_string()) out.insert(lower(entry["key"].get<std::string>()));
  for (const auto& item : node.items()) cte_names(item.value(), out);
}

// Walks every node: table functions and unknown tables are refused wherever they hide
// (subqueries in expressions included); base tables read are collected.
Status walk(const SqlText& text, const json& node, const std::set<std::string>& ctes,
            const std::vector<std::string>& allowed, std::set<std::string>& read) {
  if (node.is_array()) {
    for (const auto& v : node) CR_TRY(walk(text, v, ctes, allowed, read));
    return {};
  }
  if (!node.is_object()) return {};
  std::string_view type = node_type(node);
  if (type == "TABLE_FUNCTION")
    return text.error(node, "table functions are not allowed in an audience query");
  if (type == "BASE_TABLE") {
    if (!str(node, "schema_name").empty() || !str(node, "catalog_name").empty())
      return text.error(node, "qualified table names are not allowed in an audience query");
    const std::string name(str(node, "table_name"));
    if (!ctes.count(lower(name))) {
      const std::string* found = nullptr;
      for (const auto& a : allowed)
        if (same_name(a, name)) found = &a;
      if (!found)
        return text.error(node,
                          "an audience query reads only the instance's *_for_audiences "
                          "tables, not '" +
                              name + "'");
      read.insert(*found);
    }
  }
  for (const auto& item : node.items()) CR_TRY(walk(text, item.value(), ctes, allowed, read));
  return {};
}

bool is_user_id(const json& node) {
  if (node_class(node) != "COLUMN_REF") return false;
  const json& names = member(node, "column_names");
  return names.is_array() && !names.empty() && names.back().is_string() &&
         same_name(names.back().get<std::string>(), "user_id");
}

// Where a user_id may stand: selected or grouped bare, equal to another column (a join), the
// left side of IN (subquery), counted, or a window's partition. Anywhere else (compared with a
// literal, inside a function, ordered by) it could pick a person the advertiser guessed, and the
// 2,000 floor would then answer whether that person did something: AMC refuses literal
// comparisons on user_id for the same reason.
bool allowed_use(const json& node, const json& parent, std::string_view key) {
  // Selected under its own name only: renamed (user_id AS u), a later comparison with a value
  // would no longer name it.
  if (key == "select_list")
    return str(node, "alias").empty() || same_name(str(node, "alias"), "user_id");
  if (key == "group_expressions" || key == "partitions") return true;
  std::string_view cls = node_class(parent);
  if (cls == "SUBQUERY" && key == "child") {
    // IN (SELECT user_id FROM ...): the subquery answers user_ids, not values the SQL made up.
    const json& sub = member(member(parent, "subquery"), "node");
    const json& items = member(sub, "select_list");
    return node_type(sub) == "SELECT_NODE" && items.is_array() && items.size() == 1 &&
           is_user_id(items[0]);
  }
  if (cls == "COMPARISON" &&
      (node_type(parent) == "COMPARE_EQUAL" || node_type(parent) == "COMPARE_NOT_DISTINCT_FROM"))
    return is_user_id(member(parent, "left")) && is_user_id(member(parent, "right"));
  if (cls == "FUNCTION" && key == "children") return lower(str(parent, "function_name")) == "count";
  return false;
}

// The names a query node answers, by position (a set operation: its first part's).
std::vector<std::string> output_names(const json& node) {
  if (node_type(node) == "SET_OPERATION_NODE") return output_names(member(node, "left"));
  std::vector<std::string> out;
  for (const auto& item : member(node, "select_list")) out.push_back(lower(output_name(item)));
  return out;
}

Status user_id_uses(const SqlText& text, const json& node, const json& parent,
                    std::string_view key) {
  if (node.is_array()) {
    for (const auto& v : node) CR_TRY(user_id_uses(text, v, parent, key));
    return {};
  }
  if (!node.is_object()) return {};
  // Every column named user_id must be a table's user_id: nothing else may take the name (a
  // value aliased user_id, a struct field), rename columns by position (t AS x(a, b), a CTE's
  // column list), or hold values typed in (VALUES); a set operation must line its columns up by
  // the same names. Then user_id = user_id, the only comparison allowed, joins people to people.
  if (!member(node, "class").is_null() && same_name(str(node, "alias"), "user_id") &&
      !is_user_id(node))
    return text.error(node, "in an audience query only a table's user_id may be named user_id");
  for (const char* renames : {"column_name_alias", "aliases"})
    if (member(node, renames).is_array() && !member(node, renames).empty())
      return text.error(node, "in an audience query columns may not be renamed by a list");
  if (node_type(node) == "EXPRESSION_LIST")
    return text.error(node, "VALUES lists are not allowed in an audience query");
  if (node_type(node) == "SET_OPERATION_NODE") {
    auto left = output_names(member(node, "left")), right = output_names(member(node, "right"));
    bool user_ids = false;
    for (const auto& n : left) user_ids = user_ids || same_name(n, "user_id");
    for (const auto& n : right) user_ids = user_ids || same_name(n, "user_id");
    bool same = left.size() == right.size();
    for (size_t i = 0; same && i < left.size(); ++i) same = same_name(left[i], right[i]);
    if (user_ids && !same)
      return text.error(node,
                        "in an audience query the parts of a UNION must answer the same "
                        "columns by name");
  }
  if (node_class(node) == "STAR" &&
      (!member(node, "rename_list").empty() || !member(node, "replace_list").empty() ||
       (member(node, "columns").is_boolean() && member(node, "columns").get<bool>()) ||
       !member(node, "expr").is_null()))
    return text.error(node, "in an audience query * may not rename, replace or pick columns");
  if (is_user_id(node) && !allowed_use(node, parent, key))
    return text.error(node,
                      "in an audience query user_id may only be selected (under its own name), "
                      "grouped, joined on another table's column, used in IN (subquery) or "
                      "counted");
  for (const auto& item : node.items()) CR_TRY(user_id_uses(text, item.value(), node, item.key()));
  return {};
}

}  // namespace

Result<AudienceQuery> check_audience_query(std::string_view sql,
                                           const std::vector<std::string>& allowed) {
  CR_ASSIGN(json tree, parse_sql(sql));
  const json& statements = member(tree, "statements");
  if (!statements.is_array() || statements.size() != 1)
    return invalid_query("an audience query is exactly one SELECT statement");
  SqlText text(sql);
  std::set<std::string> ctes;
  cte_names(statements[0], ctes);
  for (const auto& name : ctes)
    if (is_reserved_name(name))
      return invalid_query("names starting with " + std::string(kReservedPrefix) + " are reserved");
  std::set<std::string> read;
  CR_TRY(walk(text, statements[0], ctes, allowed, read));
  if (read.empty())
    return invalid_query("an audience query must read at least one *_for_audiences table");
  CR_TRY(user_id_uses(text, statements[0], json(), ""));
  AudienceQuery out;
  CR_ASSIGN(out.sql, render_checked(statements[0]));
  out.tables.assign(read.begin(), read.end());
  return out;
}

}  // namespace cleanroom::policy
