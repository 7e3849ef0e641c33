#include "api/sigv4_caller.h"

#include "auth/secrets.h"
#include "auth/sigv4.h"
#include "common/clock.h"

namespace cleanroom::api {

Result<std::string> sigv4_caller(core::Services& services, const Request& req) {
  auth::SignedRequest signed_req{req.method, req.target, req.headers, req.body};
  std::string account;
  auto lookup = [&](const std::string& key_id) -> Result<std::string> {
    CR_ASSIGN(auto owner,
              auth::lookup_access_key(services.ctx.db, services.ctx.master_key, key_id));
    account = owner.account_id;
    return owner.secret_access_key;
  };
  CR_TRY(auth::verify_sigv4(signed_req, lookup, now_epoch_seconds()));
  return account;
}

}  // namespace cleanroom::api
