#include "catalog/database.h"

#include <sqlite3.h>

#include "catalog/migrations.h"

namespace cleanroom::catalog {
namespace {

Error sqlite_error(sqlite3* db, int rc) {
  int ext = sqlite3_extended_errcode(db);
  std::string msg = sqlite3_errmsg(db);
  if (ext == SQLITE_CONSTRAINT_UNIQUE || ext == SQLITE_CONSTRAINT_PRIMARYKEY)
    return Error::conflict("already exists (" + msg + ")", Cause::AlreadyExists);
  if (rc == SQLITE_BUSY) return Error::throttled("metadata store is busy, retry");
  return Error::internal("metadata store: " + msg);
}

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
    if (std::holds_alternative<std::nullptr_t>(v)) rc = sqlite3_bind_null(h.s, idx);
    else if (auto* n = std::get_if<int64_t>(&v)) rc = sqlite3_bind_int64(h.s, idx, *n);
    else if (auto* d = std::get_if<double>(&v)) rc = sqlite3_bind_double(h.s, idx, *d);
    else {
      const auto& t = std::get<std::string>(v);
      rc = sqlite3_bind_text(h.s, idx, t.data(), static_cast<int>(t.size()), SQLITE_TRANSIENT);
    }
    if (rc != SQLITE_OK) return sqlite_error(db, rc);
  }
  return {};
}

}  // namespace

const Value& Row::at(std::string_view col) const {
  for (size_t i = 0; i < names_->size(); ++i)
    if ((*names_)[i] == col) return values_[i];
  static const Value null_value = nullptr;
  return null_value;
}
bool Row::is_null(std::string_view col) const { return std::holds_alternative<std::nullptr_t>(at(col)); }
std::string Row::str(std::string_view col) const { return opt_str(col).value_or(""); }
std::optional<std::string> Row::opt_str(std::string_view col) const {
  const Value& v = at(col);
  if (auto* s = std::get_if<std::string>(&v)) return *s;
  if (auto* n = std::get_if<int64_t>(&v)) return std::to_string(*n);
  if (auto* d = std::get_if<double>(&v)) return std::to_string(*d);
  return std::nullopt;
}
int64_t Row::integer(std::string_view col) const {
  const Value& v = at(col);
  if (auto* n = std::get_if<int64_t>(&v)) return *n;
  if (auto* d = std::get_if<double>(&v)) return static_cast<int64_t>(*d);
  if (auto* s = std::get_if<std::string>(&v)) return std::stoll(*s);
  return 0;
}

Status Tx::exec(std::string_view sql, const std::vector<Value>& args) {
  StmtHolder h;
  CR_TRY(prepare_and_bind(db_, sql, args, h));
  int rc;
  while ((rc = sqlite3_step(h.s)) == SQLITE_ROW) {
  }
  if (rc != SQLITE_DONE) return sqlite_error(db_, rc);
  return {};
}

Result<std::vector<Row>> Tx::query(std::string_view sql, const std::vector<Value>& args) {
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
        case SQLITE_NULL: values.emplace_back(nullptr); break;
        case SQLITE_INTEGER: values.emplace_back(static_cast<int64_t>(sqlite3_column_int64(h.s, i))); break;
        case SQLITE_FLOAT: values.emplace_back(sqlite3_column_double(h.s, i)); break;
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

Result<std::optional<Row>> Tx::query_one(std::string_view sql, const std::vector<Value>& args) {
  CR_ASSIGN(auto rows, query(sql, args));
  if (rows.empty()) return std::optional<Row>{};
  return std::optional<Row>(std::move(rows.front()));
}

int64_t Tx::changes() const { return sqlite3_changes(db_); }

Result<std::unique_ptr<Database>> Database::open(const std::string& path) {
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &raw,
                           SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = raw ? sqlite3_errmsg(raw) : "out of memory";
    sqlite3_close(raw);
    return Error::internal("cannot open " + path + ": " + msg);
  }
  std::unique_ptr<Database> db(new Database(raw));
  // The admin CLI writes to the same file while the server runs: wait rather than fail.
  sqlite3_busy_timeout(raw, 10000);
  for (const char* pragma : {"PRAGMA journal_mode=WAL", "PRAGMA foreign_keys=ON", "PRAGMA synchronous=NORMAL"}) {
    if (sqlite3_exec(raw, pragma, nullptr, nullptr, nullptr) != SQLITE_OK)
      return Error::internal(std::string("cannot set ") + pragma + ": " + sqlite3_errmsg(raw));
  }
  CR_TRY(db->migrate());
  return db;
}

Database::~Database() { sqlite3_close(db_); }

Status Database::begin(bool write) {
  int rc = sqlite3_exec(db_, write ? "BEGIN IMMEDIATE" : "BEGIN", nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return sqlite_error(db_, rc);
  return {};
}

void Database::end(bool commit, Status* status) {
  if (commit) {
    int rc = sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr);
    if (rc == SQLITE_OK) return;
    *status = sqlite_error(db_, rc);
  }
  sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
}

int Database::schema_version() {
  std::lock_guard lock(mu_);
  sqlite3_stmt* s = nullptr;
  sqlite3_prepare_v2(db_, "PRAGMA user_version", -1, &s, nullptr);
  int v = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int(s, 0) : 0;
  sqlite3_finalize(s);
  return v;
}

Status Database::migrate() {
  const auto& steps = migrations();
  for (int version = schema_version(); version < static_cast<int>(steps.size()); ++version) {
    std::lock_guard lock(mu_);
    CR_TRY(begin(true));
    char* err = nullptr;
    std::string sql = steps[version] + "; PRAGMA user_version=" + std::to_string(version + 1);
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
      std::string msg = err ? err : "unknown";
      sqlite3_free(err);
      sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
      return Error::internal("migration " + std::to_string(version + 1) + " failed: " + msg);
    }
    Status s;
    end(true, &s);
    CR_TRY(s);
  }
  return {};
}

}  // namespace cleanroom::catalog
