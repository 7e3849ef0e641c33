// The catalog in one SQLite file (the embedded default): WAL mode, foreign keys on, a writer
// connection that writes under BEGIN IMMEDIATE and query_only readers.
#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "catalog/backend.h"
#include "catalog/migrations.h"

namespace cleanroom::catalog {
namespace {

// SQLite's messages name no file; the data dir's path stays out of every answer.
Error sqlite_error(sqlite3* db, int rc) {
  int ext = sqlite3_extended_errcode(db);
  std::string msg = sqlite3_errmsg(db);
  if (ext == SQLITE_CONSTRAINT_UNIQUE || ext == SQLITE_CONSTRAINT_PRIMARYKEY)
    return Error::conflict("already exists (" + msg + ")", Cause::AlreadyExists);
  if (rc == SQLITE_BUSY) return Error::throttled("metadata store is busy, retry");
  if ((rc & 0xff) == SQLITE_FULL || (rc & 0xff) == SQLITE_IOERR)
    return Error::internal("metadata store cannot write: the data dir is full or failing (" + msg +
                           ")");
  return Error::internal("metadata store: " + msg);
}

// One connection to the file; the writer creates it and sets what is stored in it (WAL).
Result<sqlite3*> open_connection(const std::string& path, bool writer) {
  sqlite3* raw = nullptr;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (writer ? SQLITE_OPEN_CREATE : 0);
  int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = raw ? sqlite3_errmsg(raw) : "out of memory";
    sqlite3_close(raw);
    return Error::internal("metadata store: cannot open a connection: " + msg);
  }
  // The admin CLI writes to the same file while the server runs: wait rather than fail.
  sqlite3_busy_timeout(raw, 10000);
  std::vector<const char*> pragmas = {"PRAGMA foreign_keys=ON", "PRAGMA synchronous=NORMAL"};
  pragmas.insert(pragmas.begin(), writer ? "PRAGMA journal_mode=WAL" : "PRAGMA query_only=ON");
  for (const char* pragma : pragmas) {
    if (sqlite3_exec(raw, pragma, nullptr, nullptr, nullptr) != SQLITE_OK) {
      std::string msg =
          std::string("metadata store: cannot set ") + pragma + ": " + sqlite3_errmsg(raw);
      sqlite3_close(raw);
      return Error::internal(msg);
    }
  }
  return raw;
}

// SQLite's WAL index holds a 32 KiB region per 4096 frames of the WAL (walIndexPage in wal.c).
constexpr int64_t kIndexRegionBytes = 32768;
constexpr int64_t kFramesPerRegion = 4096;
constexpr int64_t kWalHeaderBytes = 32;
constexpr int64_t kFrameHeaderBytes = 24;
// Allocated ahead of the WAL: 32 regions, 131072 frames (512 MiB of 4 KiB pages); topped up when
// less than half of it is left, so that no transaction can outgrow what is allocated.
constexpr int64_t kIndexAheadBytes = 32 * kIndexRegionBytes;
// Room for the index allocated ahead and a first transaction.
constexpr int64_t kMinimumFreeBytes = 2 * kIndexAheadBytes;

struct StmtHolder {
  sqlite3_stmt* s = nullptr;
  ~StmtHolder() { sqlite3_finalize(s); }
};

Status prepare_and_bind(sqlite3* db, std::string_view sql, const std::vector<Value>& args,
                        StmtHolder& h) {
  int rc = sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &h.s, nullptr);
  if (rc != SQLITE_OK) return sqlite_error(db, rc);
  for (size_t i = 0; i < args.size(); ++i) {
    int idx = static_cast<int>(i + 1);
    const Value& v = args[i];
    if (std::holds_alternative<std::nullptr_t>(v))
      rc = sqlite3_bind_null(h.s, idx);
    else if (auto* n = std::get_if<int64_t>(&v))
      rc = sqlite3_bind_int64(h.s, idx, *n);
    else if (auto* d = std::get_if<double>(&v))
      rc = sqlite3_bind_double(h.s, idx, *d);
    else {
      const auto& t = std::get<std::string>(v);
      rc = sqlite3_bind_text(h.s, idx, t.data(), static_cast<int>(t.size()), SQLITE_TRANSIENT);
    }
    if (rc != SQLITE_OK) return sqlite_error(db, rc);
  }
  return {};
}

class SqliteConnection final : public Connection {
 public:
  explicit SqliteConnection(sqlite3* db) : db_(db) {}
  ~SqliteConnection() override { sqlite3_close(db_); }
  sqlite3* handle() const { return db_; }

  Status begin(bool write) override {
    int rc = sqlite3_exec(db_, write ? "BEGIN IMMEDIATE" : "BEGIN", nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) return sqlite_error(db_, rc);
    return {};
  }

  Status end(bool commit) override {
    if (commit) {
      int rc = sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr);
      if (rc == SQLITE_OK) return {};
      Error e = sqlite_error(db_, rc);
      sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
      return e;
    }
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    return {};
  }

  Status exec(std::string_view sql, const std::vector<Value>& args) override {
    StmtHolder h;
    CR_TRY(prepare_and_bind(db_, sql, args, h));
    int rc;
    while ((rc = sqlite3_step(h.s)) == SQLITE_ROW) {
    }
    if (rc != SQLITE_DONE) return sqlite_error(db_, rc);
    return {};
  }

  Result<std::vector<Row>> query(std::string_view sql, const std::vector<Value>& args) override {
    StmtHolder h;
    CR_TRY(prepare_and_bind(db_, sql, args, h));
    int ncol = sqlite3_column_count(h.s);
    auto names = std::make_shared<std::vector<std::string>>();
    for (int i = 0; i < ncol; ++i) names->push_back(sqlite3_column_name(h.s, i));
    std::vector<Row> rows;
    int rc;
    while ((rc = sqlite3_step(h.s)) == SQLITE_ROW) {
      std::vector<Value> values;
      values.reserve(ncol);
      for (int i = 0; i < ncol; ++i) {
        switch (sqlite3_column_type(h.s, i)) {
          case SQLITE_NULL:
            values.emplace_back(nullptr);
            break;
          case SQLITE_INTEGER:
            values.emplace_back(static_cast<int64_t>(sqlite3_column_int64(h.s, i)));
            break;
          case SQLITE_FLOAT:
            values.emplace_back(sqlite3_column_double(h.s, i));
            break;
          default: {
            const char* p = reinterpret_cast<const char*>(sqlite3_column_blob(h.s, i));
            values.emplace_back(std::string(p ? p : "", sqlite3_column_bytes(h.s, i)));
          }
        }
      }
      rows.emplace_back(names, std::move(values));
    }
    if (rc != SQLITE_DONE) return sqlite_error(db_, rc);
    return rows;
  }

  int64_t changes() const override { return sqlite3_changes(db_); }

 private:
  sqlite3* db_;
};

class SqliteBackend final : public Backend {
 public:
  explicit SqliteBackend(std::string path) : path_(std::move(path)) {}
  ~SqliteBackend() override {
    // Only now, after every connection is closed: closing a descriptor of the index while
    // SQLite holds locks on it drops them.
    if (wal_index_fd_ >= 0) ::close(wal_index_fd_);
  }

  Result<std::unique_ptr<Connection>> connect(bool writer) override {
    auto db = open_connection(path_, writer);
    if (!db.ok()) {
      if (writer) return Error::internal("cannot open " + path_ + ": " + db.error().message);
      return db.error();
    }
    auto c = std::make_unique<SqliteConnection>(*db);
    if (writer) writer_ = c->handle();
    return std::unique_ptr<Connection>(std::move(c));
  }

  Result<int> schema_version(Connection&) override {
    sqlite3_stmt* s = nullptr;
    sqlite3_prepare_v2(writer_, "PRAGMA user_version", -1, &s, nullptr);
    int v = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int(s, 0) : 0;
    sqlite3_finalize(s);
    return v;
  }

  Status migrate(Connection& writer) override {
    const auto& steps = migrations();
    for (;;) {
      // The version is read under the write lock, so two processes starting at once never both
      // run a step.
      CR_TRY(writer.begin(true));
      auto version = schema_version(writer);
      if (!version.ok() || *version >= static_cast<int>(steps.size())) {
        CR_TRY(writer.end(version.ok()));
        if (!version.ok()) return version.error();
        break;
      }
      char* err = nullptr;
      std::string sql = migration_sql(Dialect::Sqlite, *version) +
                        "; PRAGMA user_version=" + std::to_string(*version + 1);
      if (sqlite3_exec(writer_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
        std::string msg = err ? err : "unknown";
        sqlite3_free(err);
        sqlite3_exec(writer_, "ROLLBACK", nullptr, nullptr, nullptr);
        return Error::internal("migration " + std::to_string(*version + 1) + " failed: " + msg);
      }
      CR_TRY(writer.end(true));
    }
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(writer_, "PRAGMA page_size", -1, &s, nullptr) == SQLITE_OK &&
        sqlite3_step(s) == SQLITE_ROW)
      page_size_ = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return before_write();
  }

  // SQLite maps the WAL index (the -shm file) into memory and extends it one byte per 4 KiB
  // page. A file system that cannot back a page of that mapping when it is written (a full disk
  // with blocks smaller than a page, a copy-on-write file system) answers with SIGBUS, which
  // ends the process. Allocating the index ahead, with fallocate (which leaves its contents
  // alone, unlike a write of zeros racing SQLite's own), turns a full disk into a refused write.
  Status before_write() override {
    if (!wal_index_reservable_) return {};
    struct stat wal {};
    int64_t frames = 0;
    if (::stat((path_ + "-wal").c_str(), &wal) == 0 && wal.st_size > kWalHeaderBytes)
      frames = (wal.st_size - kWalHeaderBytes) / (page_size_ + kFrameHeaderBytes);
    int64_t needed = (frames / kFramesPerRegion + 1) * kIndexRegionBytes;
    if (needed + kIndexAheadBytes / 2 <= wal_index_reserved_) return {};
    if (wal_index_fd_ < 0) {
      wal_index_fd_ = ::open((path_ + "-shm").c_str(), O_RDWR | O_CLOEXEC);
      if (wal_index_fd_ < 0) {
        // No index file (not in WAL mode): nothing SQLite maps.
        wal_index_reservable_ = false;
        return {};
      }
    }
    int64_t target = needed + kIndexAheadBytes;
    if (::fallocate(wal_index_fd_, 0, 0, target) != 0) {
      int err = errno;
      if (err == EOPNOTSUPP || err == ENOSYS) {
        wal_index_reservable_ = false;  // a file system without fallocate: as SQLite does alone
        return {};
      }
      return Error::internal(std::string("metadata store cannot write: the data dir is full or "
                                         "failing (allocating the WAL index: ") +
                             std::strerror(err) + ")");
    }
    wal_index_reserved_ = target;
    return {};
  }

 private:
  const std::string path_;
  sqlite3* writer_ = nullptr;  // owned by its SqliteConnection, which Database closes first
  // Guarded by Database's writer mutex: the WAL index file, kept open (closing any descriptor of
  // it would drop SQLite's locks on it), the bytes of it allocated so far, and the page size
  // that tells how many frames the WAL holds.
  int wal_index_fd_ = -1;
  bool wal_index_reservable_ = true;
  int64_t wal_index_reserved_ = 0;
  int64_t page_size_ = 4096;
};

}  // namespace

Result<std::unique_ptr<Backend>> sqlite_backend(const std::string& path) {
  // The first connection of the first process recreates the WAL index and writes it through the
  // mapping before anything here can allocate it: on a full disk that is a SIGBUS, so a store
  // without room for the index is not opened.
  std::string dir = path.substr(0, path.find_last_of('/') + 1);
  struct statvfs fs {};
  if (::statvfs(dir.empty() ? "." : dir.c_str(), &fs) == 0 &&
      static_cast<int64_t>(fs.f_bavail) * static_cast<int64_t>(fs.f_frsize) < kMinimumFreeBytes)
    return Error::internal("cannot open " + path + ": the file system is full (" +
                           std::to_string(static_cast<int64_t>(fs.f_bavail) * fs.f_frsize / 1024) +
                           " KiB free); free some space and start again");
  return std::unique_ptr<Backend>(std::make_unique<SqliteBackend>(path));
}

}  // namespace cleanroom::catalog
