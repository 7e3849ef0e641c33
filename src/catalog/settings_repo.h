#pragma once
// Server-wide settings (the settings table): one text value per key.
#include <optional>
#include <string>

#include "catalog/database.h"

namespace cleanroom::catalog::settings_repo {

Result<std::optional<std::string>> get(Tx& tx, const std::string& key);
Status put(Tx& tx, const std::string& key, const std::string& value);

}  // namespace cleanroom::catalog::settings_repo
