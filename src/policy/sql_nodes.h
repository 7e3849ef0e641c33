#pragma once
// Parse-tree nodes the rewrites add, in the form json_serialize_sql writes them, so that the
// rendered SQL parses back to exactly the same tree (render_checked compares the two).
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

namespace cleanroom::policy {

inline constexpr uint64_t kNoLocation = UINT64_MAX;

// relation.column, or column alone when `relation` is empty.
nlohmann::json column_ref(const std::string& relation, const std::string& column);
// The children ANDed; one child is itself.
nlohmann::json all_of(nlohmann::json children);
// TRUE as the parser reads it back from rendered text: CAST('t' AS BOOLEAN).
nlohmann::json true_constant();

}  // namespace cleanroom::policy
