#pragma once
// The metadata store: one SQLite database in WAL mode with foreign keys on. Every read and
// write happens inside a transaction, so a crash leaves either all of a change or none of it.
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/error.h"

struct sqlite3;

namespace cleanroom::catalog {

using Value = std::variant<std::nullptr_t, int64_t, double, std::string>;

class Row {
 public:
  Row(std::shared_ptr<const std::vector<std::string>> names, std::vector<Value> values)
      : names_(std::move(names)), values_(std::move(values)) {}
  bool is_null(std::string_view col) const;
  std::string str(std::string_view col) const;  // "" for NULL
  std::optional<std::string> opt_str(std::string_view col) const;
  int64_t integer(std::string_view col) const;  // 0 for NULL

 private:
  const Value& at(std::string_view col) const;
  std::shared_ptr<const std::vector<std::string>> names_;
  std::vector<Value> values_;
};

// A transaction in progress; only Database creates one.
class Tx {
 public:
  Status exec(std::string_view sql, const std::vector<Value>& args = {});
  Result<std::vector<Row>> query(std::string_view sql, const std::vector<Value>& args = {});
  Result<std::optional<Row>> query_one(std::string_view sql, const std::vector<Value>& args = {});
  int64_t changes() const;

 private:
  friend class Database;
  explicit Tx(sqlite3* db) : db_(db) {}
  sqlite3* db_;
};

class Database {
 public:
  static Result<std::unique_ptr<Database>> open(const std::string& path);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // Runs fn inside BEGIN IMMEDIATE ... COMMIT; rolls back when fn returns an error.
  template <typename T>
  Result<T> write(const std::function<Result<T>(Tx&)>& fn) {
    return run<T>(true, fn);
  }
  template <typename T>
  Result<T> read(const std::function<Result<T>(Tx&)>& fn) {
    return run<T>(false, fn);
  }
  int schema_version();

 private:
  explicit Database(sqlite3* db) : db_(db) {}
  Status migrate();
  Status begin(bool write);
  void end(bool commit, Status* status);
  template <typename T>
  Result<T> run(bool write, const std::function<Result<T>(Tx&)>& fn) {
    std::lock_guard lock(mu_);
    if (Status s = begin(write); !s.ok()) return s.error();
    Tx tx(db_);
    Result<T> r = fn(tx);
    Status end_status;
    end(r.ok(), &end_status);
    if (!end_status.ok() && r.ok()) return end_status.error();
    return r;
  }

  std::mutex mu_;  // one connection, used by one thread at a time
  sqlite3* db_;
};

}  // namespace cleanroom::catalog
