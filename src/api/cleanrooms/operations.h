#pragma once
// Registration of the served Clean Rooms operations, one file per resource family.
#include "api/cleanrooms/cleanrooms_face.h"

namespace cleanroom::api::cleanrooms {

void add_collaboration_operations(OperationTable& table, core::Services& s);
void add_membership_operations(OperationTable& table, core::Services& s);

// Paging parameters of a List operation's input.
core::Page page_of(const nlohmann::json& input);

}  // namespace cleanroom::api::cleanrooms
