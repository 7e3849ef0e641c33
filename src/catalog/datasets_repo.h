#pragma once
// Rows of datasets: the tables an account owns, each pointing at its current Parquet version.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "catalog/database.h"

namespace cleanroom::catalog {

struct DatasetColumn {
  std::string name;
  std::string type;  // DuckDB logical type, e.g. VARCHAR, BIGINT, TIMESTAMP
  std::string pii;   // "" or the identity type it was normalised and hashed as (email, phone, ...)
};

struct DatasetRecord {
  std::string account_id;
  std::string database_name;
  std::string table_name;
  int64_t version = 0;
  std::string path;  // relative to the data dir
  std::vector<DatasetColumn> columns;
  int64_t row_count = 0;
  int64_t bytes = 0;
  std::string source_bucket;  // "" for uploads
  int64_t created_at = 0;
  int64_t updated_at = 0;
};

namespace datasets_repo {

// Inserts or replaces the account's table with a new version.
Status upsert(Tx& tx, const DatasetRecord& d);
Result<std::optional<DatasetRecord>> find(Tx& tx, const std::string& account_id,
                                          const std::string& database_name,
                                          const std::string& table_name);
Result<std::vector<DatasetRecord>> list(Tx& tx, const std::string& account_id);
// The DATA_DIR-relative path of every file a query may read: each table's current version and
// each ID mapping table's mapping (what a node's cache must keep; core/dataset_files.h).
Result<std::vector<std::string>> referenced_paths(Tx& tx);
Status remove(Tx& tx, const std::string& account_id, const std::string& database_name,
              const std::string& table_name);

}  // namespace datasets_repo
}  // namespace cleanroom::catalog
