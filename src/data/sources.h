#pragma once
// How each upload format is read: the engine's table function over the file, and the columns it
// yields, checked against a declared schema when there is one.
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"
#include "engine/engine.h"

namespace cleanroom::data {

enum class FileFormat { Csv, Parquet, JsonLines };

// "csv", "parquet", "jsonl".
std::optional<FileFormat> file_format_from_name(std::string_view name);
std::string file_format_name(FileFormat format);

// A declared column: its name and a DuckDB type name (BIGINT, VARCHAR, DECIMAL(10,2), ...).
struct ColumnSpec {
  std::string name;
  std::string type;
};

// A source ready to copy: FROM `from`, one SELECT expression per column (aliased to its name).
struct SourcePlan {
  std::string from;
  std::vector<std::string> names;
  std::vector<std::string> expressions;  // typed as declared (or inferred), not yet hashed
};

// Plans reading `path`. With `declared` columns, the file must have exactly those columns and
// every value must fit its type (checked while copying, with the line or row of the first that
// does not); without, names and types are inferred. Columns in `text_columns` are read as
// VARCHAR whatever their declared or inferred type (identity columns keep leading zeros).
Result<SourcePlan> plan_source(engine::Connection& con, const std::string& path, FileFormat format,
                               const std::vector<ColumnSpec>& declared,
                               const std::set<std::string>& text_columns);

// Rewrites an engine error about the data into "line N: reason" (CSV, JSON lines) without the
// offending line's text, which may hold raw identity values.
Error data_error(const Error& e);

// The names in the first line of a CSV file (RFC 4180 quoting); exposed for tests.
Result<std::vector<std::string>> read_csv_header(const std::string& path);

}  // namespace cleanroom::data
