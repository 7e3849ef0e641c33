#pragma once
// AMC user deletion requests (/userDeletionRequest; docs/amc-api.md, "User deletion
// requests"): up to 1,000 identities, normalised and hashed as uploads are, matched by the
// resolution rules (docs/identity.md, "Matching": email, phone, or first name + last name +
// postal code together), and every matching row removed from the instance's data sets. A job
// with a status: SUCCEEDED says that no version a future query can read still holds them. The
// answer never says whether an identity matched anything, and only the instance's own data sets
// are read.
#include <map>
#include <string>
#include <vector>

#include "catalog/amc_datasets_repo.h"
#include "core/accounts.h"
#include "core/context.h"
#include "core/instances.h"
#include "core/upload_jobs.h"

namespace cleanroom::core {

inline constexpr size_t kMaxDeletionIdentities = 1000;

struct UserDeletionRequest {
  std::string country_code;  // "" = each data set's, else US
  // Each identity by AMC identifier type: EMAIL, PHONE, FIRST_NAME, LAST_NAME, ZIP; raw or
  // already hashed (lowercase hex SHA-256 of the normalised value).
  std::vector<std::map<std::string, std::string>> identities;
};

class AmcUserDeletionService {
 public:
  AmcUserDeletionService(Context& ctx, UploadJobs& jobs)
      : ctx_(ctx), jobs_(jobs), instances_(ctx) {}

  // Checks the identities, records the request PENDING and queues its job. Refused (Conflict)
  // while an upload of the instance is under way, since an upload committing meanwhile would
  // bring rows back; Throttled when the upload queue is full.
  Result<catalog::AmcDeletionRequestRecord> create(const AmcCaller& caller,
                                                   const std::string& instance_id,
                                                   const UserDeletionRequest& req);
  Result<catalog::AmcDeletionRequestRecord> get(const AmcCaller& caller,
                                                const std::string& instance_id,
                                                const std::string& request_id);
  Result<std::vector<catalog::AmcDeletionRequestRecord>> list(const AmcCaller& caller,
                                                              const std::string& instance_id);
  // Requests a node silent since before `alive_since_ms` (core/node_presence.h) left unfinished
  // are FAILED (their identities were only in its memory), saying to send them again.
  Status fail_lost_requests(int64_t alive_since_ms);

 private:
  Context& ctx_;
  UploadJobs& jobs_;
  InstanceService instances_;
};

// The request's rules: 1 to 1,000 identities, each with EMAIL, PHONE, or FIRST_NAME, LAST_NAME
// and ZIP together, and no other keys; values 1 to 1,000 characters.
Status check_user_deletion_request(const UserDeletionRequest& req);

}  // namespace cleanroom::core
