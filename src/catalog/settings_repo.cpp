#include "catalog/settings_repo.h"

namespace cleanroom::catalog::settings_repo {

Result<std::optional<std::string>> get(Tx& tx, const std::string& key) {
  CR_ASSIGN(auto row, tx.query_one("SELECT value FROM settings WHERE key = ?", {key}));
  if (!row) return std::optional<std::string>{};
  return std::optional<std::string>(row->str("value"));
}

Status put(Tx& tx, const std::string& key, const std::string& value) {
  return tx.exec(
      "INSERT INTO settings (key, value) VALUES (?, ?) "
      "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
      {key, value});
}

}  // namespace cleanroom::catalog::settings_repo
