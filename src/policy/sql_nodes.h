#pragma once
// Parse-tree nodes the rewrites add, in the form json_serialize_sql writes them, so that the
// rendered SQL parses back to exactly the same tree (render_checked compares the two).
#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace cleanroom::policy {

inline constexpr uint64_t kNoLocation = UINT64_MAX;

// relation.column, or column alone when `relation` is empty.
nlohmann::json column_ref(const std::string& relation, const std::string& column);
// The children ANDed; one child is itself.
nlohmann::json all_of(nlohmann::json children);
// function(children...), or function(DISTINCT children...).
nlohmann::json function_call(std::string_view function, nlohmann::json children,
                             bool distinct = false);
// function(DISTINCT arg): the thresholds' COUNT(DISTINCT ...).
nlohmann::json distinct_aggregate(const char* function, nlohmann::json arg);
// An integer literal, typed as the parser types it (INTEGER when it fits, else BIGINT).
nlohmann::json integer_literal(int64_t v);
// TRUE as the parser reads it back from rendered text: CAST('t' AS BOOLEAN).
nlohmann::json true_constant();

}  // namespace cleanroom::policy
