#include "auth/secrets.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "catalog/settings_repo.h"
#include "common/clock.h"
#include "common/crypto.h"

namespace cleanroom::auth {
namespace {
constexpr int kPbkdf2Iterations = 100000;
}  // namespace

Result<std::string> load_or_create_master_key(const std::string& data_dir) {
  std::string path = data_dir + "/master.key";
  if (std::filesystem::exists(path)) {
    std::ifstream in(path, std::ios::binary);
    std::string key((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (key.size() != 32) return Error::internal(path + " is corrupt (expected 32 bytes)");
    return key;
  }
  std::string key = crypto::random_bytes(32);
  // Write to a temporary file and rename, so a crash never leaves a short key behind.
  std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (fd < 0) return Error::internal("cannot create " + tmp);
  bool ok =
      ::write(fd, key.data(), key.size()) == static_cast<ssize_t>(key.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0)
    return Error::internal("cannot write " + path);
  return key;
}

Status check_master_key(catalog::Database& db, const std::string& key) {
  const std::string check = crypto::hex(crypto::hmac_sha256(key, "cleanroom master key check"));
  return status_of(db.write<bool>([&](catalog::Tx& tx) -> Result<bool> {
    CR_ASSIGN(auto recorded, catalog::settings_repo::get(tx, "master_key_check"));
    if (!recorded) {
      CR_TRY(catalog::settings_repo::put(tx, "master_key_check", check));
      return true;
    }
    if (*recorded != check)
      return Error::validation(
          "the catalog's secrets are sealed under another master key than this data dir's "
          "master.key: copy master.key from a node of this catalog into the data dir");
    return true;
  }));
}

std::string new_bearer_token() { return "crt_" + crypto::random_string(40, crypto::kAlphanumeric); }
std::string token_hash(const std::string& token) { return crypto::sha256_hex(token); }
std::string new_client_id() {
  return "amzn1.application-oa2-client." + crypto::hex(crypto::random_bytes(16));
}

std::string hash_password(const std::string& password) {
  std::string salt = crypto::random_bytes(16);
  unsigned char out[32];
  PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()),
                    reinterpret_cast<const unsigned char*>(salt.data()),
                    static_cast<int>(salt.size()), kPbkdf2Iterations, EVP_sha256(), sizeof out,
                    out);
  return "pbkdf2-sha256$" + std::to_string(kPbkdf2Iterations) + "$" + crypto::hex(salt) + "$" +
         crypto::hex(std::string(reinterpret_cast<char*>(out), sizeof out));
}

bool verify_password(const std::string& password, const std::string& stored) {
  // pbkdf2-sha256$<iterations>$<salt hex>$<hash hex>
  auto p1 = stored.find('$'), p2 = stored.find('$', p1 + 1), p3 = stored.find('$', p2 + 1);
  if (p1 == std::string::npos || p2 == std::string::npos || p3 == std::string::npos) return false;
  int iterations = std::stoi(stored.substr(p1 + 1, p2 - p1 - 1));
  std::string salt_hex = stored.substr(p2 + 1, p3 - p2 - 1);
  std::string salt;
  for (size_t i = 0; i + 1 < salt_hex.size(); i += 2)
    salt.push_back(static_cast<char>(std::stoi(salt_hex.substr(i, 2), nullptr, 16)));
  unsigned char out[32];
  PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()),
                    reinterpret_cast<const unsigned char*>(salt.data()),
                    static_cast<int>(salt.size()), iterations, EVP_sha256(), sizeof out, out);
  return crypto::equal_ct(crypto::hex(std::string(reinterpret_cast<char*>(out), sizeof out)),
                          stored.substr(p3 + 1));
}

Result<AccessKey> create_access_key(catalog::Tx& tx, const std::string& master_key,
                                    const std::string& account_id) {
  AccessKey key{"AKIA" + crypto::random_string(16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"),
                crypto::random_string(40, crypto::kAlphanumeric)};
  CR_TRY(
      tx.exec("INSERT INTO access_keys (access_key_id, account_id, secret_sealed, created_at) "
              "VALUES (?,?,?,?)",
              {key.access_key_id, account_id, crypto::seal(master_key, key.secret_access_key),
               now_epoch_seconds()}));
  return key;
}

Result<AccessKeyOwner> lookup_access_key(catalog::Database& db, const std::string& master_key,
                                         const std::string& access_key_id) {
  return db.read<AccessKeyOwner>([&](catalog::Tx& tx) -> Result<AccessKeyOwner> {
    CR_ASSIGN(
        auto row,
        tx.query_one("SELECT account_id, secret_sealed FROM access_keys WHERE access_key_id = ?",
                     {access_key_id}));
    if (!row) return Error::unauthenticated("unknown access key");
    CR_ASSIGN(std::string secret, crypto::open(master_key, row->str("secret_sealed")));
    return AccessKeyOwner{row->str("account_id"), secret};
  });
}

}  // namespace cleanroom::auth
