#include "api/admin/admin_face.h"

#include "api/amc/amc_face.h"
#include "api/json_body.h"
#include "core/admin_json.h"

namespace cleanroom::api::admin {
using nlohmann::json;

Status require_operator(core::Services& s, const Request& req) {
  std::string auth = req.header("Authorization");
  if (auth.rfind("Bearer ", 0) != 0)
    return Error::unauthenticated("send Authorization: Bearer <operator token>");
  CR_ASSIGN(auto user, s.accounts.authenticate_bearer(auth.substr(7)));
  if (!user.is_operator)
    return Error::access_denied("only the operator may call the admin API and read /metrics");
  return {};
}

AdminFace::AdminFace(core::Services& services) : s_(services) {
  auto guarded = [this](std::function<Result<json>(const json&)> fn) -> Handler {
    return [this, fn = std::move(fn)](Request& req) {
      auto run = [&]() -> Result<json> {
        CR_TRY(require_operator(s_, req));
        CR_ASSIGN(json body, parse_json_object(req.body));
        return fn(body);
      };
      auto r = run();
      return r.ok() ? Response::json(200, *r) : amc::error_response(r.error(), req.request_id);
    };
  };
  router_.add("POST", "/admin/accounts", guarded([this](const json& body) -> Result<json> {
                CR_TRY(check_known_fields(body, {"accountId", "name"}));
                CR_ASSIGN(auto id, required_string(body, "accountId"));
                CR_ASSIGN(auto name, required_string(body, "name"));
                CR_ASSIGN(auto creds, s_.accounts.create_account(id, name));
                return core::account_credentials_json(creds);
              }));
  router_.add("POST", "/admin/amc-accounts", guarded([this](const json& body) -> Result<json> {
                CR_TRY(check_known_fields(body, {"name", "marketplaceId"}));
                CR_ASSIGN(auto name, required_string(body, "name"));
                CR_ASSIGN(auto marketplace, required_string(body, "marketplaceId"));
                CR_ASSIGN(auto amc, s_.accounts.create_amc_account(name, marketplace));
                return core::amc_account_json(amc);
              }));
  router_.add("POST", "/admin/users", guarded([this](const json& body) -> Result<json> {
                CR_TRY(check_known_fields(
                    body, {"email", "amcAccount", "role", "awsAccount", "awsRole", "password"}));
                core::CreateUserRequest u;
                CR_ASSIGN(u.email, required_string(body, "email"));
                CR_ASSIGN(auto amc, optional_string(body, "amcAccount"));
                CR_ASSIGN(auto role, optional_string(body, "role"));
                CR_ASSIGN(auto aws, optional_string(body, "awsAccount"));
                CR_ASSIGN(auto aws_role, optional_string(body, "awsRole"));
                CR_ASSIGN(auto password, optional_string(body, "password"));
                u.amc_account = amc.value_or("");
                u.amc_role = role.value_or("ADMIN");
                u.aws_account = aws.value_or("");
                u.aws_role = aws_role.value_or("ADMIN");
                u.password = password.value_or("");
                CR_ASSIGN(auto created, s_.accounts.create_user(u));
                return core::new_user_json(created);
              }));
}

Response AdminFace::handle(Request& req) {
  bool path_known = false;
  auto handler = router_.match(req, &path_known);
  if (!handler) {
    Error e = path_known ? Error::validation(req.method + " is not supported on " + req.path)
                         : Error(ErrorKind::NotFound, "admin resource " + req.path + " not found")
                               .about(Resource::Route, req.path);
    return amc::error_response(e, req.request_id);
  }
  return (*handler)(req);
}

}  // namespace cleanroom::api::admin
