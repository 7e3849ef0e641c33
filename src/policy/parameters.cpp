#include "policy/parameters.h"

#include "policy/sql_parser.h"
#include "policy/sql_tree.h"

namespace cleanroom::policy {
namespace {

Status bind_nodes(json& node, const ParameterBinder& bind) {
  if (node.is_array()) {
    for (auto& v : node) CR_TRY(bind_nodes(v, bind));
    return {};
  }
  if (!node.is_object()) return {};
  if (node.contains("class") && node["class"].is_string()) {
    CR_ASSIGN(auto replacement, bind(node));
    if (replacement) {
      json alias = node["alias"];
      node = std::move(*replacement);
      node["alias"] = std::move(alias);
      return {};
    }
  }
  for (auto& [key, value] : node.items()) CR_TRY(bind_nodes(value, bind));
  return {};
}

bool only_constants(const json& e) {
  std::string_view cls = node_class(e);
  if (cls == "CONSTANT") return true;
  if (cls == "CAST") return only_constants(member(e, "child"));
  if (cls == "FUNCTION") {
    std::string name = lower(str(e, "function_name"));
    if (name != "list_value" && name != "-") return false;  // [a, b] and a negative number
    for (const auto& c : member(e, "children"))
      if (!only_constants(c)) return false;
    return true;
  }
  return false;
}

}  // namespace

json text_constant(const std::string& value) {
  return {{"class", "CONSTANT"},
          {"type", "VALUE_CONSTANT"},
          {"alias", ""},
          {"query_location", UINT64_MAX},
          {"value",
           {{"type", {{"id", "VARCHAR"}, {"type_info", nullptr}}},
            {"is_null", false},
            {"value", value}}}};
}

Result<json> literal_expression(const std::string& literal_sql) {
  CR_ASSIGN(json tree, parse_sql("SELECT " + literal_sql));
  const json& statements = tree["statements"];
  if (statements.size() != 1) return Error::internal("a parameter value is not one expression");
  const json& items = member(member(statements[0], "node"), "select_list");
  if (!items.is_array() || items.size() != 1 || !only_constants(items[0]))
    return Error::internal("a parameter value did not render as a constant");
  return items[0];
}

Result<std::string> bind_in_tree(std::string_view sql, const ParameterBinder& bind) {
  CR_ASSIGN(json tree, parse_sql(sql));
  json& statements = tree["statements"];
  if (statements.size() != 1) return invalid_query("the query must be a single SELECT statement");
  json& statement = statements[0];
  CR_TRY(bind_nodes(statement["node"], bind));
  statement["named_param_map"] = json::array();
  return render_checked(statement);
}

}  // namespace cleanroom::policy
