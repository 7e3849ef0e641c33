#pragma once
// Names that could pass for the platform's own (issue 12, item 13). The platform names each AMC
// instance's collaboration "AMC <instanceId>" and its service members by their roles ("AMC
// service", "Query Submitter", ...). A collaboration any account creates must not pass for one
// of those in "Available to join": its name may not start with "AMC " and its members may not
// carry a platform account's name, however it is spelled (case, invisible format characters,
// look-alike letters), and no name may hold bidi controls, which make one text display as another.
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"
#include "core/collaborations.h"

namespace cleanroom::core {

// U+202A..U+202E, U+2066..U+2069, U+200E, U+200F, U+061C.
bool has_bidi_controls(std::string_view utf8);

// True for a name reserved to the platform's collaborations: "AMC" and a space at its start,
// compared after removing format characters, folding look-alike letters and case.
bool is_reserved_collaboration_name(std::string_view utf8);

// True when `utf8` is a platform account's name (platform_roles()), compared the same way.
bool is_platform_account_name(std::string_view utf8);

// The rules above for what an account chooses when it creates or renames a collaboration
// (Validation errors naming the field). The platform's own collaborations do not pass here.
Status check_collaboration_name(const std::string& name);
Status check_collaboration_names(const CreateCollaborationRequest& req);

}  // namespace cleanroom::core
