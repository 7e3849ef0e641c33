#pragma once
// DuckDB's own parser, reached through json_serialize_sql / json_deserialize_sql on a small
// in-memory database kept per thread (no data, external access off), so that what the checker
// reads is exactly the tree the engine will run. The SQL always travels as a prepared statement's
// parameter, never spliced into the statement.
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "common/error.h"

namespace cleanroom::policy {

// The parse tree of `sql`: {"error": false, "statements": [...]}. A query DuckDB cannot parse, or
// a statement that is not a SELECT (json_serialize_sql serializes SELECTs only), is a
// Validation error with reason INVALID_QUERY.
Result<nlohmann::json> parse_sql(std::string_view sql);

// SQL text for a parse tree (as parse_sql returns it), and that text parsed again: the caller
// compares the two trees, so that what runs is what was checked.
struct RenderedSql {
  std::string sql;
  nlohmann::json reparsed;
};
Result<RenderedSql> render_sql(const nlohmann::json& tree);

// SQL text for one statement of parse_sql's answer, rendered by DuckDB and parsed again to
// confirm it is exactly this tree (positions aside): what runs is what was checked, and no text
// of the caller's survives. A tree that does not survive the round trip is refused.
Result<std::string> render_checked(const nlohmann::json& statement);

}  // namespace cleanroom::policy
