#include "catalog/datasets_repo.h"

#include "catalog/row_mapping.h"

namespace cleanroom::catalog::datasets_repo {
namespace {
using nlohmann::json;

json columns_json(const std::vector<DatasetColumn>& cols) {
  json out = json::array();
  for (const auto& c : cols) {
    json col = {{"name", c.name}, {"type", c.type}};
    if (!c.pii.empty()) col["pii"] = c.pii;
    out.push_back(col);
  }
  return out;
}

DatasetRecord dataset_from(const Row& r) {
  DatasetRecord d{r.str("account_id"),     r.str("database_name"), r.str("table_name"),
                  r.integer("version"),    r.str("path"),          {},
                  r.integer("row_count"),  r.integer("bytes"),     r.str("source_bucket"),
                  r.integer("created_at"), r.integer("updated_at")};
  for (const auto& c : json::parse(r.str("columns")))
    d.columns.push_back({c["name"], c["type"], c.value("pii", "")});
  return d;
}

}  // namespace

Status upsert(Tx& tx, const DatasetRecord& d) {
  return tx.exec(
      "INSERT INTO datasets (account_id, database_name, table_name, version, path, columns, "
      "row_count, bytes, "
      "source_bucket, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?) "
      "ON CONFLICT (account_id, database_name, table_name) DO UPDATE SET version = "
      "excluded.version, "
      "path = excluded.path, columns = excluded.columns, row_count = excluded.row_count, bytes = "
      "excluded.bytes, "
      "source_bucket = excluded.source_bucket, updated_at = excluded.updated_at",
      {d.account_id, d.database_name, d.table_name, d.version, d.path,
       columns_json(d.columns).dump(), d.row_count, d.bytes,
       d.source_bucket.empty() ? Value(nullptr) : Value(d.source_bucket), d.created_at,
       d.updated_at});
}

Result<std::optional<DatasetRecord>> find(Tx& tx, const std::string& account_id,
                                          const std::string& database_name,
                                          const std::string& table_name) {
  return fetch_one<DatasetRecord>(
      tx, "SELECT * FROM datasets WHERE account_id = ? AND database_name = ? AND table_name = ?",
      {account_id, database_name, table_name}, dataset_from);
}

Result<std::vector<DatasetRecord>> list(Tx& tx, const std::string& account_id) {
  return fetch_all<DatasetRecord>(
      tx, "SELECT * FROM datasets WHERE account_id = ? ORDER BY database_name, table_name",
      {account_id}, dataset_from);
}

Result<std::vector<std::string>> referenced_paths(Tx& tx) {
  return fetch_all<std::string>(
      tx,
      "SELECT path FROM datasets UNION ALL "
      "SELECT mapping_path FROM id_mapping_tables WHERE mapping_path <> ''",
      {}, [](const Row& r) { return r.str("path"); });
}

Status remove(Tx& tx, const std::string& account_id, const std::string& database_name,
              const std::string& table_name) {
  return tx.exec(
      "DELETE FROM datasets WHERE account_id = ? AND database_name = ? AND table_name = ?",
      {account_id, database_name, table_name});
}

}  // namespace cleanroom::catalog::datasets_repo
