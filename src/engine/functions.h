#pragma once
// Scalar functions the engine adds to every database it opens. Private to src/engine.
#include "common/error.h"
#include "engine/duckdb_handles.h"

namespace cleanroom::engine {

// cleanroom_sha256(VARCHAR) -> VARCHAR: the lowercase hex SHA-256 of the string's bytes, NULL
// for NULL; the same answer as DuckDB's sha256(), several times faster (sha256.h). Identity
// hashing runs it for every row of an upload.
Status register_functions(duckdb_connection con);

}  // namespace cleanroom::engine
