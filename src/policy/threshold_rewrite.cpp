#include "policy/threshold_rewrite.h"

#include <algorithm>
#include <cstdint>
#include <limits>

#include "policy/sql_nodes.h"
#include "policy/sql_parser.h"
#include "policy/sql_tree.h"

namespace cleanroom::policy {
namespace {

json count_distinct(json arg) {
  return {{"class", "FUNCTION"},
          {"type", "FUNCTION"},
          {"alias", ""},
          {"query_location", kNoLocation},
          {"function_name", "count"},
          {"schema", ""},
          {"children", json::array({std::move(arg)})},
          {"filter", nullptr},
          {"order_bys", {{"type", "ORDER_MODIFIER"}, {"orders", json::array()}}},
          {"distinct", true},
          {"is_operator", false},
          {"export_state", false},
          {"catalog", ""}};
}

// Typed as the parser types a number literal, so the re-parsed text compares equal.
json integer(int64_t v) {
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

json at_least(json left, json right) {
  return {{"class", "COMPARISON"},
          {"type", "COMPARE_GREATERTHANOREQUALTO"},
          {"alias", ""},
          {"query_location", kNoLocation},
          {"left", std::move(left)},
          {"right", std::move(right)}};
}

}  // namespace

Status add_thresholds(json& statement, const std::vector<KeptCondition>& conditions,
                      const EquatedColumns& equated) {
  // Columns identical on every row, as classes: each column's class is found by following
  // `equated` to a fixed point (a handful of columns, so a simple closure does).
  using Column = std::pair<std::string, std::string>;
  auto same_column = [](const Column& a, const Column& b) {
    return same_name(a.first, b.first) && same_name(a.second, b.second);
  };
  auto identical = [&](const KeptCondition& x, const KeptCondition& y) {
    std::vector<Column> reach = {{x.relation, x.column}};
    for (size_t i = 0; i < reach.size(); ++i)
      for (const auto& [l, r] : equated)
        for (const auto& [from, to] : {std::pair{l, r}, std::pair{r, l}})
          if (same_column(reach[i], from) &&
              std::none_of(reach.begin(), reach.end(),
                           [&](const Column& c) { return same_column(c, to); }))
            reach.push_back(to);
    return std::any_of(reach.begin(), reach.end(), [&](const Column& c) {
      return same_column(c, {y.relation, y.column});
    });
  };
  // The strictest minimum per column (per class of identical columns). Every condition counts a
  // protected table's own column; a class holds only such columns, whose values are the same.
  std::vector<KeptCondition> merged;
  for (const auto& c : conditions) {
    auto same = std::find_if(merged.begin(), merged.end(),
                             [&](const KeptCondition& m) { return identical(m, c); });
    if (same == merged.end())
      merged.push_back(c);
    else
      same->minimum = std::max(same->minimum, c.minimum);
  }
  if (merged.empty()) return Error::internal("no condition to enforce");

  return add_inner_thresholds(statement["node"], merged);
}

Status add_inner_thresholds(json& node, const std::vector<KeptCondition>& conditions) {
  if (node_type(node) != "SELECT_NODE") return Error::internal("only a SELECT can be thresholded");
  json children = json::array();
  if (!node["having"].is_null()) children.push_back(std::move(node["having"]));
  for (const auto& c : conditions)
    children.push_back(
        at_least(count_distinct(column_ref(c.relation, c.column)), integer(c.minimum)));
  node["having"] = all_of(std::move(children));
  return {};
}

}  // namespace cleanroom::policy
