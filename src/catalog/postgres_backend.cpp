// The catalog in PostgreSQL, through libpq, for several nodes sharing one catalog.
//
// Same semantics as SQLite's (database.h):
//  - A write transaction is BEGIN, then pg_advisory_xact_lock(kWriteLock): every write of every
//    node waits for the one in progress, as SQLite's writers wait for its write lock, so a check
//    and the write it guards see no other write between them. The lock goes with the commit or
//    rollback. Statements then run in READ COMMITTED: each sees every write committed before it,
//    and with the lock held no other write can commit meanwhile.
//  - A read is BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY: one snapshot, taken at its first
//    statement, that cannot write.
//  - Values come back as SQLite gives them: integer types as int64_t, floating ones as double,
//    bytea as its bytes, the rest as text (libpq's text format, converted by column type).
//  - Statements are prepared once per connection (with their parameters rewritten, and their
//    parameter types as PostgreSQL inferred them), so that a bytea parameter is sent as bytes.
//    When another node's migration changes what a prepared SELECT * returns, PostgreSQL refuses
//    to run it: that call fails as Throttled ("retry"), and the connection prepares every
//    statement again from its next transaction on.
#include <libpq-fe.h>

#include <charconv>
#include <cstdlib>
#include <cstring>
#include <unordered_map>

#include "catalog/backend.h"
#include "catalog/migrations.h"
#include "catalog/postgres_sql.h"

namespace cleanroom::catalog {
namespace {

// "cleanroo" in ASCII: the advisory lock every write transaction and migration takes first.
constexpr int64_t kWriteLock = 0x636C65616E726F6F;
// As SQLite's busy timeout: a write waits this long for another node's, then fails as Throttled.
constexpr const char* kSessionSettings =
    "SET lock_timeout = '10s'; SET client_min_messages = warning";

// libpq's type oids (pg_type.h), for the columns converted to numbers or bytes.
constexpr Oid kBool = 16, kBytea = 17, kInt8 = 20, kInt2 = 21, kInt4 = 23, kOid = 26, kFloat4 = 700,
              kFloat8 = 701, kNumeric = 1700;

struct ResultHolder {
  PGresult* r = nullptr;
  ~ResultHolder() { PQclear(r); }
  void reset(PGresult* next) {
    PQclear(r);
    r = next;
  }
};

std::string field(const PGresult* r, int code) {
  const char* v = PQresultErrorField(r, code);
  return v ? v : "";
}

// The columns a unique violation names, from the detail "Key (a, b)=(values) already exists."
// (the values are left out: they may be a user's email).
std::string unique_columns(const std::string& detail) {
  size_t open = detail.find("Key (");
  size_t close = detail.find(")=(");
  if (open == std::string::npos || close == std::string::npos || close < open) return "";
  return detail.substr(open + 5, close - open - 5);
}

// Errors in the SQLite path's words, so callers (and API answers) see the same; PostgreSQL's
// primary message only, never its detail (which quotes the values).
Error pg_error(PGconn* conn, const PGresult* r) {
  if (!r || PQstatus(conn) == CONNECTION_BAD)
    return Error::internal(std::string("metadata store: connection lost: ") + PQerrorMessage(conn));
  std::string state = field(r, PG_DIAG_SQLSTATE);
  std::string msg = field(r, PG_DIAG_MESSAGE_PRIMARY);
  if (msg.empty()) msg = PQresultErrorMessage(r);
  if (state == "23505") {
    std::string table = field(r, PG_DIAG_TABLE_NAME);
    std::string columns = unique_columns(field(r, PG_DIAG_MESSAGE_DETAIL));
    std::string named;
    for (size_t start = 0; !columns.empty() && start <= columns.size();) {
      size_t comma = columns.find(", ", start);
      std::string column =
          columns.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
      named += (named.empty() ? "" : ", ") + table + "." + column;
      if (comma == std::string::npos) break;
      start = comma + 2;
    }
    if (named.empty()) named = field(r, PG_DIAG_CONSTRAINT_NAME);
    return Error::conflict("already exists (UNIQUE constraint failed: " + named + ")",
                           Cause::AlreadyExists);
  }
  // lock_not_available (the write lock's timeout), serialization_failure, deadlock_detected.
  if (state == "55P03" || state == "40001" || state == "40P01")
    return Error::throttled("metadata store is busy, retry");
  if (state.starts_with("53") || state.starts_with("58"))
    return Error::internal("metadata store cannot write: the database is full or failing (" + msg +
                           ")");
  if (state.starts_with("08")) return Error::internal("metadata store: connection lost: " + msg);
  return Error::internal("metadata store: " + msg);
}

// What a text-format field holds, as SQLite would have given it.
Value value_of(const char* text, int length, Oid type) {
  switch (type) {
    case kInt8:
    case kInt4:
    case kInt2:
    case kOid:
      return static_cast<int64_t>(std::strtoll(text, nullptr, 10));
    case kBool:
      return static_cast<int64_t>(text[0] == 't' ? 1 : 0);
    case kFloat4:
    case kFloat8:
      return std::strtod(text, nullptr);
    case kNumeric:  // sum() and the like: an integer when it is one, as SQLite's arithmetic
      if (std::strpbrk(text, ".eEN") == nullptr)
        return static_cast<int64_t>(std::strtoll(text, nullptr, 10));
      return std::strtod(text, nullptr);
    case kBytea: {
      size_t n = 0;
      unsigned char* bytes = PQunescapeBytea(reinterpret_cast<const unsigned char*>(text), &n);
      std::string out(reinterpret_cast<const char*>(bytes), n);
      PQfreemem(bytes);
      return out;
    }
    default:
      return std::string(text, static_cast<size_t>(length));
  }
}

void ignore_notice(void*, const char*) {}

class PostgresConnection final : public Connection {
 public:
  explicit PostgresConnection(PGconn* conn) : conn_(conn) {}
  ~PostgresConnection() override { PQfinish(conn_); }

  Status begin(bool write) override {
    if (statements_stale_ && PQstatus(conn_) == CONNECTION_OK) {
      ResultHolder d{PQexec(conn_, "DEALLOCATE ALL")};
      statements_.clear();
      statements_stale_ = false;
    }
    const char* sql =
        write ? write_begin_.c_str() : "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY";
    // A connection that dropped since its last use (a restarted server, an idle timeout) is made
    // again here, before anything of the transaction ran: once, and only when it is gone.
    for (int attempt = 0;; ++attempt) {
      if (PQstatus(conn_) != CONNECTION_OK) CR_TRY(reconnect());
      ResultHolder r{PQexec(conn_, sql)};
      if (PQresultStatus(r.r) == PGRES_TUPLES_OK || PQresultStatus(r.r) == PGRES_COMMAND_OK)
        return {};
      if (attempt == 0 && PQstatus(conn_) == CONNECTION_BAD) continue;
      Error e = pg_error(conn_, r.r);
      ResultHolder rollback{PQexec(conn_, "ROLLBACK")};
      return e;
    }
  }

  Status end(bool commit) override {
    ResultHolder r{PQexec(conn_, commit ? "COMMIT" : "ROLLBACK")};
    if (PQresultStatus(r.r) != PGRES_COMMAND_OK)
      return commit ? Status(pg_error(conn_, r.r)) : Status();
    // PostgreSQL ends a transaction in which a statement failed with a rollback, even when asked
    // to commit; SQLite would have committed the statements that succeeded. Never silently.
    if (commit && std::strcmp(PQcmdStatus(r.r), "ROLLBACK") == 0)
      return Error::internal("metadata store: the transaction was rolled back after an error");
    return {};
  }

  Status exec(std::string_view sql, const std::vector<Value>& args) override {
    ResultHolder r;
    return run(sql, args, r);
  }

  Result<std::vector<Row>> query(std::string_view sql, const std::vector<Value>& args) override {
    ResultHolder r;
    CR_TRY(run(sql, args, r));
    int ncol = PQnfields(r.r);
    auto names = std::make_shared<std::vector<std::string>>();
    for (int i = 0; i < ncol; ++i) names->push_back(PQfname(r.r, i));
    std::vector<Row> rows;
    int nrow = PQntuples(r.r);
    rows.reserve(nrow);
    for (int row = 0; row < nrow; ++row) {
      std::vector<Value> values;
      values.reserve(ncol);
      for (int i = 0; i < ncol; ++i) {
        if (PQgetisnull(r.r, row, i))
          values.emplace_back(nullptr);
        else
          values.push_back(
              value_of(PQgetvalue(r.r, row, i), PQgetlength(r.r, row, i), PQftype(r.r, i)));
      }
      rows.emplace_back(names, std::move(values));
    }
    return rows;
  }

  int64_t changes() const override { return changes_; }

  // A migration step: several statements, no parameters, in the transaction begun.
  Status run_script(const std::string& sql) {
    ResultHolder r{PQexec(conn_, sql.c_str())};
    if (PQresultStatus(r.r) == PGRES_COMMAND_OK || PQresultStatus(r.r) == PGRES_TUPLES_OK)
      return {};
    return pg_error(conn_, r.r);
  }

  // Session settings, after every (re)connection.
  Status set_up() {
    PQsetNoticeProcessor(conn_, ignore_notice, nullptr);
    ResultHolder r{PQexec(conn_, kSessionSettings)};
    if (PQresultStatus(r.r) != PGRES_COMMAND_OK) return pg_error(conn_, r.r);
    return {};
  }

 private:
  struct Prepared {
    std::string name;
    std::vector<Oid> param_types;
  };

  Status reconnect() {
    statements_.clear();  // prepared statements belong to the session that is gone
    PQreset(conn_);
    if (PQstatus(conn_) != CONNECTION_OK)
      return Error::internal(std::string("metadata store: cannot reconnect: ") +
                             PQerrorMessage(conn_));
    return set_up();
  }

  Result<const Prepared*> prepared(std::string_view sql) {
    std::string key(sql);
    if (auto it = statements_.find(key); it != statements_.end()) return &it->second;
    // Statements are a fixed set, but a few are built (an IN list of n): start over past many.
    if (statements_.size() >= 1000) {
      ResultHolder d{PQexec(conn_, "DEALLOCATE ALL")};
      statements_.clear();
    }
    Prepared p{"s" + std::to_string(next_statement_++), {}};
    std::string text = postgres_placeholders(sql);
    ResultHolder r{PQprepare(conn_, p.name.c_str(), text.c_str(), 0, nullptr)};
    if (PQresultStatus(r.r) != PGRES_COMMAND_OK) return pg_error(conn_, r.r);
    r.reset(PQdescribePrepared(conn_, p.name.c_str()));
    if (PQresultStatus(r.r) != PGRES_COMMAND_OK) return pg_error(conn_, r.r);
    for (int i = 0; i < PQnparams(r.r); ++i) p.param_types.push_back(PQparamtype(r.r, i));
    return &statements_.emplace(std::move(key), std::move(p)).first->second;
  }

  Status run(std::string_view sql, const std::vector<Value>& args, ResultHolder& r) {
    CR_ASSIGN(const Prepared* p, prepared(sql));
    if (args.size() != p->param_types.size())
      return Error::internal("metadata store: " + std::to_string(args.size()) +
                             " values for a statement of " + std::to_string(p->param_types.size()) +
                             " parameters");
    std::vector<std::string> numbers(args.size());
    std::vector<const char*> values(args.size(), nullptr);
    std::vector<int> lengths(args.size(), 0), formats(args.size(), 0);
    for (size_t i = 0; i < args.size(); ++i) {
      const Value& v = args[i];
      if (auto* n = std::get_if<int64_t>(&v)) {
        numbers[i] = std::to_string(*n);
        values[i] = numbers[i].c_str();
      } else if (auto* d = std::get_if<double>(&v)) {
        char buf[32];
        auto [end, ec] = std::to_chars(buf, buf + sizeof buf, *d);  // shortest exact form
        numbers[i].assign(buf, end);
        values[i] = numbers[i].c_str();
      } else if (auto* s = std::get_if<std::string>(&v)) {
        values[i] = s->data();
        if (p->param_types[i] == kBytea) {
          formats[i] = 1;  // the bytes as they are
          lengths[i] = static_cast<int>(s->size());
        } else if (s->find('\0') != std::string::npos) {
          return Error::internal("metadata store: text holds a NUL byte");
        } else {
          values[i] = s->c_str();
        }
      }
    }
    r.reset(PQexecPrepared(conn_, p->name.c_str(), static_cast<int>(args.size()), values.data(),
                           lengths.data(), formats.data(), 0));
    ExecStatusType status = PQresultStatus(r.r);
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
      // "cached plan must not change result type": the schema changed under the statements.
      if (field(r.r, PG_DIAG_SQLSTATE) == "0A000" &&
          field(r.r, PG_DIAG_MESSAGE_PRIMARY).starts_with("cached plan must not change")) {
        statements_stale_ = true;
        return Error::throttled("metadata store is busy (its schema changed), retry");
      }
      return pg_error(conn_, r.r);
    }
    const char* command = PQcmdStatus(r.r);
    if (std::strncmp(command, "INSERT", 6) == 0 || std::strncmp(command, "UPDATE", 6) == 0 ||
        std::strncmp(command, "DELETE", 6) == 0)
      changes_ = std::strtoll(PQcmdTuples(r.r), nullptr, 10);
    return {};
  }

  PGconn* conn_;
  const std::string write_begin_ =
      "BEGIN; SELECT pg_advisory_xact_lock(" + std::to_string(kWriteLock) + ")";
  std::unordered_map<std::string, Prepared> statements_;
  int64_t next_statement_ = 0;
  bool statements_stale_ = false;  // deallocated at the next begin(), outside the failed one
  int64_t changes_ = 0;
};

class PostgresBackend final : public Backend {
 public:
  explicit PostgresBackend(std::string url) : url_(std::move(url)) {}

  Result<std::unique_ptr<Connection>> connect(bool) override {
    // A node must not hang on a catalog that does not answer (at start, or reconnecting): 10 s
    // unless the URL says otherwise (its own values come after, and so win).
    const char* keys[] = {"connect_timeout", "application_name", "dbname", nullptr};
    const char* values[] = {"10", "cleanroom", url_.c_str(), nullptr};
    PGconn* conn = PQconnectdbParams(keys, values, 1);
    if (PQstatus(conn) != CONNECTION_OK) {
      // libpq's message names the host and port, never the password.
      std::string msg = PQerrorMessage(conn);
      PQfinish(conn);
      while (!msg.empty() && msg.back() == '\n') msg.pop_back();
      return Error::internal("metadata store: cannot connect to PostgreSQL: " + msg);
    }
    auto c = std::make_unique<PostgresConnection>(conn);
    CR_TRY(c->set_up());
    return std::unique_ptr<Connection>(std::move(c));
  }

  Result<int> schema_version(Connection& writer) override {
    // Asked apart: a statement naming a table that does not exist yet fails as it is planned.
    CR_ASSIGN(auto exists,
              writer.query("SELECT to_regclass('cleanroom_schema_version') IS NOT NULL AS e", {}));
    if (exists.empty() || exists.front().integer("e") == 0) return 0;
    CR_ASSIGN(auto rows, writer.query("SELECT version FROM cleanroom_schema_version", {}));
    return rows.empty() ? 0 : static_cast<int>(rows.front().integer("version"));
  }

  // Each step in its own transaction under the write lock, the version read after the lock is
  // taken: nodes that start at once run each step once, one after the other.
  Status migrate(Connection& writer) override {
    auto& pg = static_cast<PostgresConnection&>(writer);
    const size_t steps = migrations().size();
    for (;;) {
      CR_TRY(writer.begin(true));
      Status s = pg.run_script(
          "CREATE TABLE IF NOT EXISTS cleanroom_schema_version (version BIGINT NOT NULL);"
          "INSERT INTO cleanroom_schema_version SELECT 0 "
          "WHERE NOT EXISTS (SELECT 1 FROM cleanroom_schema_version)");
      if (!s.ok()) {
        (void)writer.end(false);
        return Error::internal("migration: " + s.error().message);
      }
      auto version = schema_version(writer);
      if (!version.ok()) {
        (void)writer.end(false);
        return version.error();
      }
      if (*version >= static_cast<int>(steps)) return writer.end(true);
      s = pg.run_script(
          migration_sql(Dialect::Postgres, *version) +
          ";\nUPDATE cleanroom_schema_version SET version = " + std::to_string(*version + 1));
      if (!s.ok()) {
        (void)writer.end(false);
        return Error::internal("migration " + std::to_string(*version + 1) +
                               " failed: " + s.error().message);
      }
      CR_TRY(writer.end(true));
    }
  }

 private:
  const std::string url_;
};

}  // namespace

Result<std::unique_ptr<Backend>> postgres_backend(const std::string& url) {
  return std::unique_ptr<Backend>(std::make_unique<PostgresBackend>(url));
}

}  // namespace cleanroom::catalog
