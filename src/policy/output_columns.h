#pragma once
// AMC's outputColumns: "the columns that the workflow must produce as output"; a workflow whose
// query answers other columns fails when it is compiled (the public Workflow model,
// WorkflowOutputcolumns {name, dataType, columnType, dataTypePrecision, dataTypeScale,
// description}). Checked against the columns the engine binds the checked query to (names and
// DuckDB types, never a row), so the verdict depends on the query and the schemas alone.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/error.h"

namespace cleanroom::policy {

struct ExpectedColumn {
  std::string name;
  std::string data_type;  // the public dataType: STRING, LONG, DECIMAL, ... (output_data_types)
  std::optional<int> precision;  // DECIMAL only: dataTypePrecision, dataTypeScale
  std::optional<int> scale;
};

// The dataTypes of the public model's output columns.
const std::vector<std::string_view>& output_data_types();

// The public dataType of a DuckDB type (VARCHAR: STRING, BIGINT: LONG, DECIMAL(18,2): DECIMAL,
// ...), or the DuckDB type itself when the public model has no name for it.
std::string output_data_type(std::string_view duckdb_type);

// Every column the query answers (name, DuckDB type) is listed in `expected` (by name,
// case-insensitively), but for `may_omit` (the filtered-row option columns, which the workflow
// adds itself); every listed column is answered, with a type of its dataType's kind: any integer
// type for BYTE, SHORT, INTEGER and LONG, an integer or a DECIMAL for DECIMAL (of the given
// precision and scale, when given), DOUBLE or FLOAT for either, and the one type of each other
// dataType. A Validation error (reason INVALID_QUERY) names the first difference.
Status check_output_columns(const std::vector<ExpectedColumn>& expected,
                            const std::vector<std::pair<std::string, std::string>>& answered,
                            const std::vector<std::string>& may_omit);

}  // namespace cleanroom::policy
