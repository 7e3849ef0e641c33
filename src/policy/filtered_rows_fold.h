#pragma once
// The fold behind AMC's filtered-row options (filtered_rows.h), and the parse-tree nodes it and
// the options add, in the form json_serialize_sql writes them (render_checked compares the
// rendered query with the tree). Internal to src/policy.
#include <nlohmann/json.hpp>
#include <vector>

#include "common/error.h"

namespace cleanroom::policy {

// {class, type, alias "", no position}: the members every expression node has.
nlohmann::json expression_node(const char* cls, const char* type);
nlohmann::json null_constant();
// CASE WHEN `when` THEN `then` ELSE `otherwise` END.
nlohmann::json case_when(nlohmann::json when, nlohmann::json then, nlohmann::json otherwise);
// `type` (CONJUNCTION_AND, CONJUNCTION_OR) of the children, flattened as the parser reads nested
// ones back; one child is itself.
nlohmann::json conjunction(const char* type, std::vector<nlohmann::json> children);

struct FoldedGroups {
  nlohmann::json flag;                 // TRUE on the folded row: one of its GROUP BY expressions
  std::vector<nlohmann::json> groups;  // what the GROUP BY entries stood for, before the fold
};

// Rewrites the outermost SELECT `node` (GROUP BY present, thresholds in its HAVING) so that each
// row is grouped by its group when that group passes `passes` (the thresholds alone: a group the
// analyst's own HAVING removes is removed, not folded), and into one group of NULL keys, flagged,
// when it does not. With `always_answer` the folded group exists even when no row was removed:
// one row without people, whose values must then be removed (filtered_rows.h, REMOVE_VALUES).
Result<FoldedGroups> fold_filtered_rows(nlohmann::json& node, nlohmann::json passes,
                                        bool always_answer);

// Replaces, everywhere in `e` (outside subqueries), a subtree that is one of `groups` by its
// folded form: the group's value, or NULL on the folded row.
void replace_group_keys(nlohmann::json& e, const std::vector<nlohmann::json>& groups);

}  // namespace cleanroom::policy
