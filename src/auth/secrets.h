#pragma once
// Credentials at rest: bearer tokens and passwords are stored hashed; SigV4 secrets must be
// recoverable to check signatures, so they are sealed with the data dir's master key.
#include <string>

#include "catalog/database.h"
#include "common/error.h"

namespace cleanroom::auth {

// Loads DIR/master.key, creating it (32 random bytes, mode 0600) on first use.
Result<std::string> load_or_create_master_key(const std::string& data_dir);
// Several nodes share one catalog, and the secrets in it are sealed under one master key: the
// catalog keeps a check value of the first key that opened it, and a node whose DATA_DIR holds
// another key is refused at start (rather than failing every signature later).
Status check_master_key(catalog::Database& db, const std::string& key);

std::string new_bearer_token();  // "crt_" + 40 random alphanumerics
std::string token_hash(const std::string& token);
std::string new_client_id();  // "amzn1.application-oa2-client." + 32 hex, like Login with Amazon

std::string hash_password(const std::string& password);
bool verify_password(const std::string& password, const std::string& stored);

struct AccessKey {
  std::string access_key_id;
  std::string secret_access_key;
};
// Creates and stores a new access key for the account, inside the caller's transaction.
Result<AccessKey> create_access_key(catalog::Tx& tx, const std::string& master_key,
                                    const std::string& account_id);

struct AccessKeyOwner {
  std::string account_id;
  std::string secret_access_key;
};
Result<AccessKeyOwner> lookup_access_key(catalog::Database& db, const std::string& master_key,
                                         const std::string& access_key_id);

}  // namespace cleanroom::auth
