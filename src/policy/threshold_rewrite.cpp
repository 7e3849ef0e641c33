#include "policy/threshold_rewrite.h"

#include <algorithm>
#include <cstdint>

#include "common/sql_names.h"
#include "policy/filtered_rows_fold.h"
#include "policy/sql_nodes.h"
#include "policy/sql_parser.h"
#include "policy/sql_tree.h"

namespace cleanroom::policy {
namespace {

json at_least(json left, json right) {
  return {{"class", "COMPARISON"},
          {"type", "COMPARE_GREATERTHANOREQUALTO"},
          {"alias", ""},
          {"query_location", kNoLocation},
          {"left", std::move(left)},
          {"right", std::move(right)}};
}

// __cleanroom_admit_people(__cleanroom_people(CAST(r.c AS VARCHAR)), n): the values the
// threshold counts, as text, so that a person has one hash whatever the column's type.
json admit_people(const KeptCondition& c) {
  json text = {{"class", "CAST"},
               {"type", "OPERATOR_CAST"},
               {"alias", ""},
               {"query_location", kNoLocation},
               {"child", column_ref(c.relation, c.column)},
               {"cast_type", {{"id", "VARCHAR"}, {"type_info", nullptr}}},
               {"try_cast", false}};
  return function_call(kAdmitPeopleFunction,
                       json::array({function_call(kPeopleAggregate, json::array({text})),
                                    integer_literal(c.minimum)}));
}

}  // namespace

Status add_thresholds(json& statement, const std::vector<KeptCondition>& conditions,
                      const EquatedColumns& equated, bool check_people) {
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

  return add_inner_thresholds(statement["node"], merged, check_people);
}

Status add_inner_thresholds(json& node, const std::vector<KeptCondition>& conditions,
                            bool check_people) {
  if (node_type(node) != "SELECT_NODE") return Error::internal("only a SELECT can be thresholded");
  json children = json::array();
  if (!node["having"].is_null()) children.push_back(std::move(node["having"]));
  for (const auto& c : conditions)
    children.push_back(at_least(distinct_aggregate("count", column_ref(c.relation, c.column)),
                                integer_literal(c.minimum)));
  node["having"] = all_of(std::move(children));
  if (check_people) {
    // Asked only of the groups that pass everything else: a group the analyst's own HAVING or
    // a threshold removes is never compared, and never kept as answered.
    json admits = json::array();
    for (const auto& c : conditions) admits.push_back(admit_people(c));
    node["having"] =
        case_when(std::move(node["having"]), all_of(std::move(admits)), null_constant());
  }
  return {};
}

}  // namespace cleanroom::policy
