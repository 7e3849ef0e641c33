#pragma once
// The metadata store: one SQLite database in WAL mode with foreign keys on. Every read and
// write happens inside a transaction, so a crash leaves either all of a change or none of it.
//
// Concurrency. One writer connection and a pool of reader connections over the same file:
//  - write() takes the writer mutex, then runs fn inside BEGIN IMMEDIATE ... COMMIT on the
//    writer connection. Writes of this process are serialised by the mutex; a write of another
//    process (the admin CLI, `cleanroom upload`) by SQLite's write lock, waited for up to the
//    busy timeout. A check and the write it guards belong in the same write().
//  - read() borrows an idle reader connection (or opens one) and runs fn inside BEGIN ... COMMIT:
//    a WAL snapshot of the last committed state, taken at its first statement. It never waits
//    for the writer mutex nor for a write in progress, and never sees a write that is not
//    committed. Reader connections are query_only: a read() that tries to write fails.
//  - So keep write() short: do parsing, DuckDB work and file I/O before or after it, not inside.
//    writer_wait_stats() tells how long callers waited for the writer mutex.
//  - read() and write() may nest (a read inside a write sees the state before the write).
//
// The WAL index (the -shm file SQLite maps into memory) is allocated ahead of its use, so that a
// data dir that fills up makes writes fail with an error rather than the process die of SIGBUS
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

// Waiting for the writer mutex since the store was opened (for a "catalog lock wait" metric).
struct WriterWaitStats {
  double seconds = 0;  // summed over every write()
  int64_t writes = 0;  // write() calls
  int64_t waited = 0;  // of which found the mutex taken
};

class Database {
 public:
  static Result<std::unique_ptr<Database>> open(const std::string& path);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // Runs fn inside BEGIN IMMEDIATE ... COMMIT on the writer connection; rolls back when fn
  // returns an error. Refused, before fn runs, when the WAL index cannot be allocated ahead.
  template <typename T>
  Result<T> write(const std::function<Result<T>(Tx&)>& fn) {
    std::unique_lock lock = lock_writer();
    if (Status s = reserve_wal_index(); !s.ok()) return s.error();
    if (Status s = begin(writer_, true); !s.ok()) return s.error();
    Tx tx(writer_);
    Result<T> r = fn(tx);
    Status end_status = end(writer_, r.ok());
    if (!end_status.ok() && r.ok()) return end_status.error();
    return r;
  }
  // Runs fn inside a read transaction on a reader connection (a snapshot; see above).
  template <typename T>
  Result<T> read(const std::function<Result<T>(Tx&)>& fn) {
    CR_ASSIGN(sqlite3 * reader, take_reader());
    ReaderReturn give_back{*this, reader};
    if (Status s = begin(reader, false); !s.ok()) return s.error();
    Tx tx(reader);
    Result<T> r = fn(tx);
    Status end_status = end(reader, r.ok());
    if (!end_status.ok() && r.ok()) return end_status.error();
    return r;
  }
  int schema_version();
  WriterWaitStats writer_wait_stats() const;

 private:
  // Gives a borrowed reader connection back to the pool when a read ends.
  struct ReaderReturn {
    Database& owner;
    sqlite3* reader;
    ~ReaderReturn() { owner.give_back(reader); }
  };

  Database(std::string path, sqlite3* writer) : path_(std::move(path)), writer_(writer) {}
  Status migrate();
  std::unique_lock<std::mutex> lock_writer();
  Result<sqlite3*> take_reader();
  void give_back(sqlite3* reader);
  Status begin(sqlite3* db, bool write);
  Status end(sqlite3* db, bool commit);
  Status reserve_wal_index();

  const std::string path_;
  std::mutex writer_mu_;
  sqlite3* writer_;
  std::atomic<int64_t> writer_wait_ns_{0};
  std::atomic<int64_t> writes_{0};
  std::atomic<int64_t> writer_waits_{0};

  std::mutex readers_mu_;
  std::vector<sqlite3*> idle_readers_;

  // Guarded by writer_mu_: the WAL index file, kept open (closing any descriptor of it would
  // drop SQLite's locks on it), the bytes of it allocated so far, and the page size that tells
  // how many frames the WAL holds.
  int wal_index_fd_ = -1;
  bool wal_index_reservable_ = true;
  int64_t wal_index_reserved_ = 0;
  int64_t page_size_ = 4096;
};

}  // namespace cleanroom::catalog
