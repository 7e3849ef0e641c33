#pragma once
// The Clean Rooms face: the AWS Clean Rooms REST-JSON protocol, SigV4-signed, with the wire
// shapes of botocore's service model, so the stock aws CLI and boto3 work against it.
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "api/http.h"
#include "core/core.h"

namespace cleanroom::api::cleanrooms {

// One served operation: the caller's account and the validated input, to the output shape.
using Operation =
    std::function<Result<nlohmann::json>(const std::string& account, const nlohmann::json& input)>;
using OperationTable = std::map<std::string, Operation>;

class CleanRoomsFace {
 public:
  explicit CleanRoomsFace(core::Services& services);
  Response handle(Request& req);
  // Names of the operations served; the rest of the model's answer NotImplementedException.
  std::vector<std::string> served_operations() const;

 private:
  Result<std::string> authenticate(const Request& req);
  core::Services& s_;
  OperationTable operations_;
};

// Renders an Error as the service does: status, x-amzn-ErrorType and the exception's fields.
Response error_response(const Error& e);
// The exception name of an Error (e.g. ResourceNotFoundException); batch operations report it as
// the code of an entry that failed.
std::string error_type(const Error& e);

}  // namespace cleanroom::api::cleanrooms
