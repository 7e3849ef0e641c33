#pragma once
// The dispatch shared by every caller of the Clean Rooms operations (the face, the console):
// the service model finds the operation and parses and validates its input, the operation runs,
// and its output or error is rendered as the service renders it.
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "api/cleanrooms/cleanrooms_face.h"
#include "api/cleanrooms/service_model.h"
#include "api/http.h"

namespace cleanroom::api::cleanrooms {

// What a caller answers when the model matches no operation (nullopt) or one it does not serve.
using MissingOperation = std::function<Error(const std::optional<OperationMatch>& match)>;

// Answers `req`, whose path below any prefix is `raw_path` (percent-encoded, no query), with the
// operation of `operations` it names, run for `account`; the operation's name goes to
// req.operation.
Response dispatch(const OperationTable& operations, Request& req, std::string_view raw_path,
                  const std::string& account, const MissingOperation& missing);

}  // namespace cleanroom::api::cleanrooms
