#pragma once
// AMC's SQL dialect, translated into DuckDB's on the parse tree, so that the checker walks and the
// engine runs native DuckDB expressions (what is checked is what runs). Two steps:
//
// 1. amc_parseable_text, on the text before DuckDB's parser reads it: the one piece of AMC syntax
//    the parser rejects, TABLE(EXTEND_TIME_WINDOW(...)) in FROM, loses its TABLE( and ), which
//    become blanks so that every position in the text stays where it was.
// 2. translate_amc_dialect, on the parsed statement: each AMC function call becomes the DuckDB
//    expression that answers what AMC's reference says it answers, and every read of
//    EXTEND_TIME_WINDOW('table', 'P30D', 'P0D') becomes a plain read of the table, its widening
//    recorded for the engine's time window.
//
// The functions, their DuckDB forms and where they differ from AMC: docs/amc-sql-dialect.md.
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"
#include "policy/query_check.h"
#include "policy/sql_tree.h"

namespace cleanroom::policy {

// `sql` with every TABLE ( EXTEND_TIME_WINDOW ( ... ) ) in it reduced to EXTEND_TIME_WINDOW(...),
// the removed TABLE, ( and ) replaced by spaces: same length, same positions. Only tokens change;
// string literals, quoted identifiers, dollar-quoted strings and comments are never touched.
// Idempotent. Run it on an AMC query's text before any parse of it (workflow parameters are bound
// on a parse tree too).
std::string amc_parseable_text(std::string_view sql);

// Rewrites one statement of parse_sql's answer in place, bottom-up, into DuckDB's dialect, and
// appends one WindowExtension per distinct EXTEND_TIME_WINDOW read (durations in upper case, in
// the grammar and ranges of core::parse_iso_duration, which applies them). A call that cannot be
// translated (wrong arguments, a bad ISO-8601 duration, a function cleanroom does not run) is
// refused with invalid_query, naming the AMC function, what is wrong and where. Run it on the
// statement that will be checked, after parameters are bound. Where AMC and DuckDB share a name
// with different meanings, AMC's wins (DAYOFWEEK counts from 1 on Sunday); the translation itself
// calls other names (isodow), so translating a translated statement again changes no answer.
Status translate_amc_dialect(const SqlText& sql, nlohmann::json& statement,
                             std::vector<CheckedQuery::WindowExtension>& extensions);

// The macros the translation calls for what DuckDB has no lambda-free function for (ARRAY_REMOVE,
// ARRAY_COMPLEMENT, ARRAY_DISTINCT and ARRAY_UNION in AMC's order, STR_TO_MAP): CREATE MACRO
// statements, in order, to run in every database that binds or runs translated SQL. Their names
// start with kReservedPrefix; sql_functions.cpp allows them as scalars.
const std::vector<std::string>& amc_dialect_macros();

}  // namespace cleanroom::policy
