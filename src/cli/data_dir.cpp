#include "cli/data_dir.h"

#include <fcntl.h>
#include <unistd.h>

#include <filesystem>

#include "auth/secrets.h"

namespace cleanroom::cli {
namespace fs = std::filesystem;

Result<std::unique_ptr<DataDir>> open_data_dir(const std::string& path) {
  std::error_code ec;
  fs::create_directories(path, ec);
  if (ec) return Error::internal("cannot create data dir " + path + ": " + ec.message());
  auto dir = std::make_unique<DataDir>();
  dir->path = fs::absolute(path).lexically_normal().string();
  if (!dir->path.empty() && dir->path.back() == '/') dir->path.pop_back();
  CR_ASSIGN(dir->db, catalog::Database::open(dir->path + "/meta.db"));
  CR_ASSIGN(std::string key, auth::load_or_create_master_key(dir->path));
  dir->ctx = std::make_unique<core::Context>(core::Context{*dir->db, key, dir->path});
  dir->services = std::make_unique<core::Services>(*dir->ctx);
  CR_TRY(dir->services->datasets.remove_abandoned_uploads());
  return dir;
}

Status write_credentials_file(DataDir& dir, const std::string& endpoint) {
  const std::string path = dir.credentials_path();
  bool exists = fs::exists(path);
  // A lost file means a lost operator token (only its hash is stored): issue a new one.
  CR_ASSIGN(auto creds, dir.services->accounts.ensure_platform(!exists));
  if (exists) return {};
  nlohmann::json accounts = nlohmann::json::array();
  for (const auto& [account, key] : creds.accounts)
    accounts.push_back({{"role", account.role.role},
                        {"displayName", account.role.display_name},
                        {"accountId", account.account_id},
                        {"accessKeyId", key.access_key_id},
                        {"secretAccessKey", key.secret_access_key}});
  nlohmann::json doc = {{"endpoint", endpoint},
                        {"region", "us-east-1"},
                        {"operator", {{"email", creds.operator_email}, {"bearerToken", creds.operator_token}}},
                        {"platformAccounts", accounts}};
  std::string text = doc.dump(2) + "\n";
  std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (fd < 0) return Error::internal("cannot create " + tmp);
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) return Error::internal("cannot write " + path);
  return {};
}

}  // namespace cleanroom::cli
