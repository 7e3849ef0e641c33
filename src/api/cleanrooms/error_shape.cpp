// Core errors in Clean Rooms' wire shape: the exception type in x-amzn-ErrorType, and the body
// members the service model gives each exception (reason, fieldList, resourceId, resourceType).
#include <cctype>

#include "api/cleanrooms/cleanrooms_face.h"

namespace cleanroom::api::cleanrooms {
using nlohmann::json;

namespace {

struct WireError {
  int status;
  const char* type;
};

WireError wire_error(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::Validation:
      return {400, "ValidationException"};
    case ErrorKind::Unauthenticated:
      return {403, "AccessDeniedException"};
    case ErrorKind::AccessDenied:
      return {403, "AccessDeniedException"};
    case ErrorKind::NotFound:
      return {404, "ResourceNotFoundException"};
    case ErrorKind::Conflict:
      return {409, "ConflictException"};
    case ErrorKind::Cancelled:
      return {409, "ConflictException"};
    case ErrorKind::QuotaExceeded:
      return {402, "ServiceQuotaExceededException"};
    case ErrorKind::Throttled:
      return {429, "ThrottlingException"};
    case ErrorKind::NotImplemented:
      return {501, "NotImplementedException"};
    case ErrorKind::Internal:
      return {500, "InternalServerException"};
  }
  return {500, "InternalServerException"};
}

// A signed request's rejection is its own AWS exception type.
const char* signature_error_type(Cause c) {
  switch (c) {
    case Cause::MissingCredentials:
      return "MissingAuthenticationTokenException";
    case Cause::IncompleteSignature:
      return "IncompleteSignatureException";
    case Cause::InvalidSignature:
      return "InvalidSignatureException";
    case Cause::UnknownAccessKey:
      return "UnrecognizedClientException";
    default:
      return "AccessDeniedException";
  }
}

// The model's ValidationExceptionReason and ConflictExceptionReason values.
const char* reason(Cause c) {
  switch (c) {
    case Cause::InvalidConfiguration:
      return "INVALID_CONFIGURATION";
    case Cause::InvalidQuery:
      return "INVALID_QUERY";
    case Cause::AlreadyExists:
      return "ALREADY_EXISTS";
    case Cause::InUse:
      return "SUBRESOURCES_EXIST";
    case Cause::InvalidState:
      return "INVALID_STATE";
    default:
      return "FIELD_VALIDATION_FAILED";
  }
}

// The model's ResourceType values where it has one; other resources by their noun's name.
std::string resource_type(Resource r) {
  switch (r) {
    case Resource::Collaboration:
      return "COLLABORATION";
    case Resource::Membership:
      return "MEMBERSHIP";
    case Resource::ConfiguredTable:
      return "CONFIGURED_TABLE";
    case Resource::ConfiguredTableAssociation:
      return "CONFIGURED_TABLE_ASSOCIATION";
    default:
      break;
  }
  std::string out;
  for (char c : resource_noun(r))
    out.push_back(c == ' ' ? '_' : static_cast<char>(std::toupper(c)));
  return out;
}

}  // namespace

Response error_response(const Error& e) {
  WireError w = wire_error(e.kind);
  std::string type = w.type;
  json body = {{"message", shown_message(e)}};
  switch (e.kind) {
    case ErrorKind::Unauthenticated:
      type = signature_error_type(e.cause);
      break;
    case ErrorKind::Validation:
      body["reason"] = reason(e.cause);
      if (!e.field.empty())
        body["fieldList"] = json::array({{{"name", e.field}, {"message", e.message}}});
      break;
    case ErrorKind::AccessDenied:
      body["reason"] = "INSUFFICIENT_PERMISSIONS";
      break;
    case ErrorKind::NotFound:
      body["resourceId"] = e.resource_id;
      body["resourceType"] = resource_type(e.resource);
      break;
    case ErrorKind::Conflict:
      if (e.cause != Cause::Unspecified) body["reason"] = reason(e.cause);
      if (!e.resource_id.empty()) body["resourceId"] = e.resource_id;
      if (e.resource != Resource::Unspecified) body["resourceType"] = resource_type(e.resource);
      break;
    case ErrorKind::Cancelled:
      body["reason"] = "CANCELLED";
      break;
    default:
      break;
  }
  Response r = Response::json(w.status, body);
  r.headers.emplace_back("x-amzn-ErrorType", type);
  return r;
}

std::string error_type(const Error& e) { return wire_error(e.kind).type; }

}  // namespace cleanroom::api::cleanrooms
