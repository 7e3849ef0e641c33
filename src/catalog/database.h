#pragma once
// The metadata store (the catalog): SQLite by default, one file in WAL mode with foreign keys on;
// or PostgreSQL, for several nodes sharing one catalog (DESIGN.md, "Scale-out"). Database::open
// takes a file path or a postgresql:// URL, and nothing outside src/catalog knows which it got:
// the same migrations, the same statements, the same answers (backend.h, sqlite_backend.cpp,
// postgres_backend.cpp). Every read and write happens inside a transaction, so a crash leaves
// either all of a change or none of it.
//
// Concurrency. One writer connection and a pool of reader connections:
//  - write() takes the writer mutex, then runs fn inside a write transaction on the writer
//    connection. Writes of this process are serialised by the mutex; writes of other processes
//    (the admin CLI, `cleanroom upload`) and, on PostgreSQL, of other nodes, by the store:
//    SQLite's write lock (BEGIN IMMEDIATE), or on PostgreSQL a transaction-level advisory lock
//    (pg_advisory_xact_lock) taken as the first statement of every write transaction, and
//    released at its commit or rollback. Either is waited for up to 10 s, then the write fails
//    as Throttled. So a check and the write it guards belong in the same write(): no other
//    write anywhere runs between them (privacy budget spends rely on it).
//  - read() borrows an idle reader connection (or opens one) and runs fn inside a read-only
//    transaction: a snapshot of the last committed state, taken at its first statement (a WAL
//    snapshot; on PostgreSQL REPEATABLE READ READ ONLY). It never waits for the writer mutex
//    nor for a write in progress, never sees a write that is not committed, and cannot write.
//  - So keep write() short: do parsing, DuckDB work and file I/O before or after it, not inside.
//    writer_wait_stats() tells how long callers waited for the writer mutex.
//  - read() and write() may nest (a read inside a write sees the state before the write).
//  - A PostgreSQL connection that dropped is made again at the start of its next transaction.
//
// SQLite's WAL index (the -shm file it maps into memory) is allocated ahead of its use, so that
// a data dir that fills up makes writes fail with an error rather than the process die of SIGBUS
// on a page of the mapping the file system cannot back.
#include <atomic>
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

namespace cleanroom::catalog {

using Value = std::variant<std::nullptr_t, int64_t, double, std::string>;

// A result row. Both stores give the same values: INTEGER columns as int64_t, REAL as double,
// TEXT and BLOB as the exact bytes, NULL as nullptr.
class Row {
 public:
  Row(std::shared_ptr<const std::vector<std::string>> names, std::vector<Value> values)
      : names_(std::move(names)), values_(std::move(values)) {}
  bool is_null(std::string_view col) const;
  std::string str(std::string_view col) const;  // "" for NULL
  std::optional<std::string> opt_str(std::string_view col) const;
  int64_t integer(std::string_view col) const;  // 0 for NULL
  double real(std::string_view col) const;      // 0 for NULL; exact, unlike str() of a double

 private:
  const Value& at(std::string_view col) const;
  std::shared_ptr<const std::vector<std::string>> names_;
  std::vector<Value> values_;
};

class Connection;

// A transaction in progress; only Database creates one. Statements number their parameters
// ?1, ?2 ... or take them in order with ?, as SQLite does; the PostgreSQL backend rewrites them.
class Tx {
 public:
  Status exec(std::string_view sql, const std::vector<Value>& args = {});
  Result<std::vector<Row>> query(std::string_view sql, const std::vector<Value>& args = {});
  Result<std::optional<Row>> query_one(std::string_view sql, const std::vector<Value>& args = {});
  int64_t changes() const;

 private:
  friend class Database;
  explicit Tx(Connection& c) : c_(&c) {}
  Connection* c_;
};

// Waiting for the writer mutex since the store was opened (for a "catalog lock wait" metric).
struct WriterWaitStats {
  double seconds = 0;  // summed over every write()
  int64_t writes = 0;  // write() calls
  int64_t waited = 0;  // of which found the mutex taken
};

class Backend;

// Whether Database::open takes `target` for a PostgreSQL URL rather than a SQLite file.
bool is_postgres_target(const std::string& target);
// The target as a start-up banner or a log may show it: any password replaced by ****.
std::string describe_target(const std::string& target);

class Database {
 public:
  // `target`: a file path (SQLite), or a postgresql:// or postgres:// URL (libpq's syntax).
  static Result<std::unique_ptr<Database>> open(const std::string& target);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // Runs fn inside a write transaction on the writer connection; rolls back when fn returns an
  // error. Refused, before fn runs, when the store cannot take a write (SQLite: the WAL index
  // cannot be allocated ahead).
  template <typename T>
  Result<T> write(const std::function<Result<T>(Tx&)>& fn) {
    std::unique_lock lock = lock_writer();
    if (Status s = begin_write(); !s.ok()) return s.error();
    Tx tx(*writer_);
    Result<T> r = fn(tx);
    Status end_status = end(*writer_, r.ok());
    if (!end_status.ok() && r.ok()) return end_status.error();
    return r;
  }
  // Runs fn inside a read transaction on a reader connection (a snapshot; see above).
  template <typename T>
  Result<T> read(const std::function<Result<T>(Tx&)>& fn) {
    CR_ASSIGN(Connection * reader, take_reader());
    ReaderReturn give_back{*this, reader};
    if (Status s = begin_read(*reader); !s.ok()) return s.error();
    Tx tx(*reader);
    Result<T> r = fn(tx);
    Status end_status = end(*reader, r.ok());
    if (!end_status.ok() && r.ok()) return end_status.error();
    return r;
  }
  int schema_version();
  WriterWaitStats writer_wait_stats() const;

 private:
  // Gives a borrowed reader connection back to the pool when a read ends.
  struct ReaderReturn {
    Database& owner;
    Connection* reader;
    ~ReaderReturn() { owner.give_back(reader); }
  };

  Database(std::unique_ptr<Backend> backend, std::unique_ptr<Connection> writer);
  std::unique_lock<std::mutex> lock_writer();
  Result<Connection*> take_reader();
  void give_back(Connection* reader);
  Status begin_write();
  Status begin_read(Connection& reader);
  Status end(Connection& c, bool commit);

  std::unique_ptr<Backend> backend_;
  std::mutex writer_mu_;
  std::unique_ptr<Connection> writer_;
  std::atomic<int64_t> writer_wait_ns_{0};
  std::atomic<int64_t> writes_{0};
  std::atomic<int64_t> writer_waits_{0};

  std::mutex readers_mu_;
  std::vector<std::unique_ptr<Connection>> readers_;  // every reader opened, idle or not
  std::vector<Connection*> idle_readers_;
};

}  // namespace cleanroom::catalog
