#pragma once
// The Clean Rooms calls of the console: the AWS Clean Rooms REST paths (GET /collaborations,
// POST /memberships, ...) under /console/api/cleanrooms, parsed and validated by the service
// model and run by the Clean Rooms face's own operations, so the console gets exactly the API's
// answers and errors. Only the operations the console's pages use are open.
#include <string>

#include "api/cleanrooms/cleanrooms_face.h"
#include "api/http.h"
#include "core/core.h"

namespace cleanroom::api::console {

class CleanRoomsCalls {
 public:
  explicit CleanRoomsCalls(core::Services& s);
  // `req.target` is the Clean Rooms path (the console prefix removed); `account` acts.
  Response handle(Request& req, const std::string& account);

 private:
  cleanrooms::OperationTable operations_;
};

}  // namespace cleanroom::api::console
