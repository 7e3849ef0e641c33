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

json distinct_aggregate(const char* function, json arg) {
  return {{"class", "FUNCTION"},
          {"type", "FUNCTION"},
          {"alias", ""},
          {"query_location", kNoLocation},
          {"function_name", function},
          {"schema", ""},
          {"children", json::array({std::move(arg)})},
          {"filter", nullptr},
          {"order_bys", {{"type", "ORDER_MODIFIER"}, {"orders", json::array()}}},
          {"distinct", true},
          {"is_operator", false},
          {"export_state", false},
          {"catalog", ""}};
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
