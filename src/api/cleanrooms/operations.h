#pragma once
// Registration of the served Clean Rooms operations, one file per resource family.
#include "api/cleanrooms/cleanrooms_face.h"

namespace cleanroom::api::cleanrooms {

void add_collaboration_operations(OperationTable& table, core::Services& s);
void add_membership_operations(OperationTable& table, core::Services& s);
void add_configured_table_operations(OperationTable& table,
                                     core::Services& s);  // with analysis rules
void add_association_operations(OperationTable& table, core::Services& s);
void add_schema_operations(OperationTable& table, core::Services& s);
void add_protected_query_operations(OperationTable& table, core::Services& s);
void add_analysis_template_operations(OperationTable& table, core::Services& s);
void add_privacy_budget_operations(OperationTable& table, core::Services& s);
void add_id_mapping_operations(OperationTable& table, core::Services& s);  // and ID namespaces

void add_tag_operations(OperationTable& table, core::Services& s);
void add_change_request_operations(OperationTable& table, core::Services& s);

// The `tags` of a Create operation's input (a TagMap), none when absent.
inline core::Tags tags_of(const nlohmann::json& input) { return input.value("tags", core::Tags{}); }

// MemberAbilities of an input; `field` names it in the refusal of a name cleanroom lacks.
Result<std::vector<MemberAbility>> member_abilities(const nlohmann::json& names,
                                                    const std::string& field);

// Paging parameters of a List operation's input.
core::Page page_of(const nlohmann::json& input);

// An optional string member of an operation's input.
inline std::optional<std::string> optional_string(const nlohmann::json& input, const char* name) {
  if (!input.contains(name)) return std::nullopt;
  return input[name].get<std::string>();
}

// An optional enum member of an operation's input (a list's filter), as its state. The model's
// validation has let only the enum's names through; one cleanroom has no value for is refused.
template <WireEnum E>
Result<std::optional<E>> optional_state(const nlohmann::json& input, const char* name) {
  if (!input.contains(name)) return std::optional<E>{};
  const std::string text = input[name].get<std::string>();
  auto state = parse_wire<E>(text);
  if (!state)
    return Error::validation(
        std::string(name) + " '" + text + "' is not a " + std::string(WireNames<E>::noun), name);
  return std::optional<E>(state);
}

}  // namespace cleanroom::api::cleanrooms
