#include "policy/sql_nodes.h"

namespace cleanroom::policy {

using nlohmann::json;

json column_ref(const std::string& relation, const std::string& column) {
  json names = relation.empty() ? json::array({column}) : json::array({relation, column});
  return {{"class", "COLUMN_REF"},
          {"type", "COLUMN_REF"},
          {"alias", ""},
          {"query_location", kNoLocation},
          {"column_names", names}};
}

json all_of(json children) {
  if (children.size() == 1) return std::move(children[0]);
  return {{"class", "CONJUNCTION"},
          {"type", "CONJUNCTION_AND"},
          {"alias", ""},
          {"query_location", kNoLocation},
          {"children", std::move(children)}};
}

json function_call(std::string_view function, json children, bool distinct) {
  return {{"class", "FUNCTION"},
          {"type", "FUNCTION"},
          {"alias", ""},
          {"query_location", kNoLocation},
          {"function_name", std::string(function)},
          {"schema", ""},
          {"children", std::move(children)},
          {"filter", nullptr},
          {"order_bys", {{"type", "ORDER_MODIFIER"}, {"orders", json::array()}}},
          {"distinct", distinct},
          {"is_operator", false},
          {"export_state", false},
          {"catalog", ""}};
}

json distinct_aggregate(const char* function, json arg) {
  return function_call(function, json::array({std::move(arg)}), true);
}

json integer_literal(int64_t v) {
  bool small = v >= std::numeric_limits<int32_t>::min() && v <= std::numeric_limits<int32_t>::max();
  return {{"class", "CONSTANT"},
          {"type", "VALUE_CONSTANT"},
          {"alias", ""},
          {"query_location", kNoLocation},
          {"value",
           {{"type", {{"id", small ? "INTEGER" : "BIGINT"}, {"type_info", nullptr}}},
            {"is_null", false},
            {"value", v}}}};
}

json true_constant() {
  return {{"class", "CAST"},
          {"type", "OPERATOR_CAST"},
          {"alias", ""},
          {"query_location", kNoLocation},
          {"child",
           {{"class", "CONSTANT"},
            {"type", "VALUE_CONSTANT"},
            {"alias", ""},
            {"query_location", kNoLocation},
            {"value",
             {{"type", {{"id", "VARCHAR"}, {"type_info", nullptr}}},
              {"is_null", false},
              {"value", "t"}}}}},
          {"cast_type", {{"id", "BOOLEAN"}, {"type_info", nullptr}}},
          {"try_cast", false}};
}

}  // namespace cleanroom::policy
