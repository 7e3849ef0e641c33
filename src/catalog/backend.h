#pragma once
// What differs between the two stores that can hold the catalog (SQLite, PostgreSQL): how a
// connection is made, how a transaction starts and ends, how statements run, how the schema is
// brought up to date. Database holds one Backend and a pool of its connections; nothing outside
// src/catalog sees either.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/database.h"

namespace cleanroom::catalog {

// One session with the store. Used by one thread at a time (Database hands it out).
class Connection {
 public:
  virtual ~Connection() = default;
  // write: the transaction is serialised with every other write transaction on the store, from
  // any process or node, before begin() returns. Otherwise a read-only snapshot.
  virtual Status begin(bool write) = 0;
  virtual Status end(bool commit) = 0;
  virtual Status exec(std::string_view sql, const std::vector<Value>& args) = 0;
  virtual Result<std::vector<Row>> query(std::string_view sql, const std::vector<Value>& args) = 0;
  // Rows changed by the last INSERT, UPDATE or DELETE (not counting those of triggers).
  virtual int64_t changes() const = 0;
};

class Backend {
 public:
  virtual ~Backend() = default;
  // The writer connection (created once) or a reader (one per read running at once).
  virtual Result<std::unique_ptr<Connection>> connect(bool writer) = 0;
  // Brings the schema to the last step of migrations(), serialised with other processes, and
  // readies what before_write() needs.
  virtual Status migrate(Connection& writer) = 0;
  virtual Result<int> schema_version(Connection& writer) = 0;
  // Runs with the writer mutex held, before each write transaction begins.
  virtual Status before_write() { return {}; }
};

Result<std::unique_ptr<Backend>> sqlite_backend(const std::string& path);
Result<std::unique_ptr<Backend>> postgres_backend(const std::string& url);

}  // namespace cleanroom::catalog
