#pragma once
#include <cstddef>
#include <string>
#include <vector>

namespace cleanroom::catalog {

// Schema steps in order, in SQLite's SQL; step i brings the schema version from i to i+1 (SQLite:
// PRAGMA user_version; PostgreSQL: the table cleanroom_schema_version). Append only: a released
// step is never edited, a change is a new step.
const std::vector<std::string>& migrations();

enum class Dialect { Sqlite, Postgres };

// Step `index` (0-based) as `dialect` runs it. PostgreSQL runs the SQLite text through one set of
// type rules, or, for the few steps that use what only SQLite has, a text of its own
// (migrations_postgres.cpp says which and why).
std::string migration_sql(Dialect dialect, size_t index);

}  // namespace cleanroom::catalog
