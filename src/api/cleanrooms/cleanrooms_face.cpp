#include "api/cleanrooms/cleanrooms_face.h"

#include "api/cleanrooms/operation_dispatch.h"
#include "api/cleanrooms/operations.h"
#include "api/sigv4_caller.h"

namespace cleanroom::api::cleanrooms {
using nlohmann::json;

namespace {

struct WireError {
  int status;
  const char* type;
};

WireError wire_error(const Error& e) {
  switch (e.kind) {
    case ErrorKind::Validation: return {400, "ValidationException"};
    case ErrorKind::Unauthenticated: return {403, "AccessDeniedException"};
    case ErrorKind::AccessDenied: return {403, "AccessDeniedException"};
    case ErrorKind::NotFound: return {404, "ResourceNotFoundException"};
    case ErrorKind::Conflict: return {409, "ConflictException"};
    case ErrorKind::QuotaExceeded: return {402, "ServiceQuotaExceededException"};
    case ErrorKind::Throttled: return {429, "ThrottlingException"};
    case ErrorKind::NotImplemented: return {501, "NotImplementedException"};
    case ErrorKind::Internal: return {500, "InternalServerException"};
  }
  return {500, "InternalServerException"};
}

}  // namespace

Response error_response(const Error& e) {
  WireError w = wire_error(e);
  std::string type = w.type;
  json body = {{"message", e.message}};
  switch (e.kind) {
    case ErrorKind::Unauthenticated:
      // Signature failures carry their own AWS code (InvalidSignatureException, ...).
      if (!e.reason.empty()) type = e.reason;
      break;
    case ErrorKind::Validation:
      body["reason"] = e.reason.empty() ? "FIELD_VALIDATION_FAILED" : e.reason;
      if (!e.field.empty()) body["fieldList"] = json::array({{{"name", e.field}, {"message", e.message}}});
      break;
    case ErrorKind::AccessDenied:
      body["reason"] = "INSUFFICIENT_PERMISSIONS";
      break;
    case ErrorKind::NotFound:
      body["resourceId"] = e.resource_id;
      body["resourceType"] = e.resource_type;
      break;
    case ErrorKind::Conflict:
      if (!e.reason.empty()) body["reason"] = e.reason;
      if (!e.resource_id.empty()) body["resourceId"] = e.resource_id;
      if (!e.resource_type.empty()) body["resourceType"] = e.resource_type;
      break;
    default:
      break;
  }
  Response r = Response::json(w.status, body);
  r.headers.emplace_back("x-amzn-ErrorType", type);
  return r;
}

std::string error_type(const Error& e) { return wire_error(e).type; }

core::Page page_of(const json& input) {
  core::Page p;
  p.next_token = input.value("nextToken", "");
  p.max_results = input.value("maxResults", 100);
  return p;
}

CleanRoomsFace::CleanRoomsFace(core::Services& services) : s_(services) {
  add_collaboration_operations(operations_, s_);
  add_membership_operations(operations_, s_);
  add_configured_table_operations(operations_, s_);
  add_association_operations(operations_, s_);
  add_schema_operations(operations_, s_);
  add_protected_query_operations(operations_, s_);
  add_analysis_template_operations(operations_, s_);
  add_privacy_budget_operations(operations_, s_);
}

std::vector<std::string> CleanRoomsFace::served_operations() const {
  std::vector<std::string> out;
  for (const auto& [name, op] : operations_) out.push_back(name);
  return out;
}

Result<std::string> CleanRoomsFace::authenticate(const Request& req) { return sigv4_caller(s_, req); }

Response CleanRoomsFace::handle(Request& req) {
  // Authenticate before revealing anything, even which paths exist.
  auto account = authenticate(req);
  if (!account.ok()) return error_response(account.error());
  std::string raw_path = req.target.substr(0, req.target.find('?'));
  auto missing = [&](const std::optional<OperationMatch>& m) {
    if (m)
      return Error::not_implemented("cleanroom does not serve " + m->name +
                                    " yet; docs/clean-rooms-api.md lists the served operations");
    Error e = Error::not_found("resource", raw_path);
    e.message = "no Clean Rooms operation at " + req.method + " " + raw_path;
    return e;
  };
  return dispatch(operations_, req, raw_path, *account, missing);
}

}  // namespace cleanroom::api::cleanrooms
