#pragma once
// Registration of the served Clean Rooms operations, one file per resource family.
#include "api/cleanrooms/cleanrooms_face.h"

namespace cleanroom::api::cleanrooms {

void add_collaboration_operations(OperationTable& table, core::Services& s);
void add_membership_operations(OperationTable& table, core::Services& s);
void add_configured_table_operations(OperationTable& table, core::Services& s);  // with analysis rules
void add_association_operations(OperationTable& table, core::Services& s);
void add_schema_operations(OperationTable& table, core::Services& s);
void add_protected_query_operations(OperationTable& table, core::Services& s);
void add_analysis_template_operations(OperationTable& table, core::Services& s);
void add_privacy_budget_operations(OperationTable& table, core::Services& s);

// Paging parameters of a List operation's input.
core::Page page_of(const nlohmann::json& input);

// An optional string member of an operation's input.
inline std::optional<std::string> optional_string(const nlohmann::json& input, const char* name) {
  if (!input.contains(name)) return std::nullopt;
  return input[name].get<std::string>();
}

}  // namespace cleanroom::api::cleanrooms
