#pragma once
// Scalar functions the engine adds to every database it opens. Private to src/engine.
#include "common/error.h"
#include "engine/duckdb_handles.h"

namespace cleanroom::engine {

// cleanroom_sha256(VARCHAR) -> VARCHAR: the lowercase hex SHA-256 of the string's bytes, NULL
// for NULL; the same answer as DuckDB's sha256(), several times faster (sha256.h). Identity
// hashing runs it for every row of an upload.
// cleanroom_dp_noise(BIGINT scale) -> BIGINT and cleanroom_dp_random_key() -> BIGINT: the noise
// and the random choices of differential privacy (dp_noise.h), drawn from OpenSSL's generator on
// every call (volatile); only the checker's rewrite calls them (policy/dp_rewrite.h).
Status register_functions(duckdb_connection con);

}  // namespace cleanroom::engine
