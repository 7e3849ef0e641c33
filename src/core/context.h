#pragma once
// What every core service needs: the metadata store and the key that seals secrets at rest.
#include <string>

#include "catalog/database.h"

namespace cleanroom::core {

struct Context {
  catalog::Database& db;
  std::string master_key;
};

}  // namespace cleanroom::core
