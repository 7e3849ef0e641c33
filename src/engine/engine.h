#pragma once
// The embedded SQL engine: a fresh in-memory DuckDB database per task (an upload, a protected
// query), configured explicitly, reached only through these types so that nothing above
// src/engine depends on DuckDB being in-process (DESIGN.md "Scale-out").
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"
#include "engine/query_result.h"
#include "engine/spill_directory.h"

namespace cleanroom::engine {

class PeopleCheck;

// How much one engine may spill unless told otherwise (EngineOptions::spill_limit): four times a
// protected query's default memory limit (4GB), so a sort or join of a few times what fits in
// memory still finishes, while one runaway statement stops there. DuckDB's own default, 90% of
// the free disk, would let one task fill the disk that every party's datasets live on.
inline constexpr const char* kDefaultSpillLimit = "16GB";

struct EngineOptions {
  int threads = 2;                   // worker threads of this database
  std::string memory_limit = "1GB";  // DuckDB size string
  // Under which folder the engine spills when memory_limit is reached: a folder of its own
  // there (spill_directory.h), removed when the engine closes. Empty: it never spills, and a
  // statement that needs more than memory_limit fails.
  std::string spill_root;
  // The most the engine may hold in that folder at once (DuckDB's max_temp_directory_size, a
  // size string); a statement that needs more fails with a QuotaExceeded error that says so and
  // quotes nothing of DuckDB's. Empty: DuckDB's own bound, 90% of the disk's free space.
  std::string spill_limit = kDefaultSpillLimit;
  // The sandbox (DESIGN.md "Query execution and its sandbox"), applied in that order after the
  // database opens: the only files and folders readable or writable, then external access off,
  // then the configuration locked so the statements that follow cannot undo any of it.
  std::vector<std::string> allowed_paths;
  std::vector<std::string> allowed_directories;
  bool enable_external_access = true;
  bool lock_configuration = false;
  // Difference checks' verdicts (people_check.h), for __cleanroom_admit_people; must outlive the
  // engine. Null: the function does not exist.
  PeopleCheck* people_check = nullptr;
};

// Where a running statement is. fraction is in [0, 1], or negative while DuckDB cannot tell.
struct Progress {
  double fraction = -1;
  uint64_t rows_processed = 0;
  uint64_t total_rows = 0;
};

struct ConnectionState;
struct PreparedState;

// A statement with `?` or `$1` placeholders; user-supplied values only ever enter SQL this way.
class PreparedStatement {
 public:
  ~PreparedStatement();
  PreparedStatement(PreparedStatement&&) noexcept;
  PreparedStatement& operator=(PreparedStatement&&) noexcept;

  size_t parameter_count() const;
  Status bind(size_t index, const Value& value);  // index starts at 1
  Result<QueryResult> execute();

 private:
  friend class Connection;
  explicit PreparedStatement(std::unique_ptr<PreparedState> s);
  std::unique_ptr<PreparedState> s_;
};

// The engine's connection, used by one thread at a time (progress() and interrupt() excepted:
// they are meant to be called from another thread while a statement runs).
class Connection {
 public:
  ~Connection();
  Connection(Connection&&) noexcept;
  Connection& operator=(Connection&&) noexcept;

  Status run(std::string_view sql);  // runs and discards the answer
  Result<QueryResult> query(std::string_view sql);
  Result<PreparedStatement> prepare(std::string_view sql);

  Progress progress() const;
  void interrupt();

 private:
  friend class Engine;
  explicit Connection(std::unique_ptr<ConnectionState> s);
  std::unique_ptr<ConnectionState> s_;
};

struct DatabaseState;

// A fresh in-memory database and its one connection. One connection, because a locked
// configuration (the sandbox) cannot be changed afterwards, not even to track a new
// connection's progress; a task that needs another connection opens another Engine.
// Besides DuckDB's own functions the database has cleanroom_sha256(VARCHAR): sha256()'s
// answer, computed several times faster (identity hashing runs it on every row of an upload).
class Engine {
 public:
  // Fails on a bad option.
  static Result<std::unique_ptr<Engine>> open(const EngineOptions& options);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  Connection& connection() { return connection_; }

 private:
  Engine(std::optional<SpillDirectory> spill, std::unique_ptr<DatabaseState> s, Connection c);
  std::optional<SpillDirectory> spill_;  // declared first, so it is removed after the database
  std::unique_ptr<DatabaseState> s_;
  Connection connection_;  // declared after s_, so it is closed before the database
};

// A column of a query's answer, as DESCRIBE tells it: name and DuckDB type.
struct ResultColumn {
  std::string name;
  std::string type;
};
// The columns `select` answers. DESCRIBE binds the query without running it.
Result<std::vector<ResultColumn>> describe(Connection& con, const std::string& select);

// SQL text for a string literal ('it''s') and a quoted identifier ("a ""b"""), for the few
// places where SQL is assembled from names and paths that are not user values.
std::string sql_literal(std::string_view s);
std::string sql_identifier(std::string_view s);

}  // namespace cleanroom::engine
