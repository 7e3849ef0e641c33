#pragma once
// The insides of the engine's public types, shared by the src/engine sources only.
#include <string>
#include <vector>

#include "engine/duckdb_handles.h"
#include "engine/engine.h"

namespace cleanroom::engine {

struct DatabaseState {
  DatabaseHandle db;
};

struct ConnectionState {
  ConnectionHandle con;
};

struct PreparedState {
  PreparedHandle stmt;
};

struct ResultState {
  ResultHandle result;
  std::vector<std::string> names;
  std::vector<duckdb_type> raw_types;
  std::vector<ColumnType> types;
};

struct ColumnView {
  duckdb_type type;
  void* data;
  uint64_t* validity;  // nullptr: every row is valid
};

struct ChunkState {
  ChunkHandle chunk;
  size_t rows = 0;
  std::vector<ColumnView> columns;
};

// Wraps a successful duckdb_result (the column names and types are read once, here).
QueryResult make_result(ResultHandle r);

}  // namespace cleanroom::engine
