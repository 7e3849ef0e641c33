#pragma once
// The fields of an AMC workflow that shape its result besides its SQL: the filtered-row options
// (filteredMetricsDiscriminatorColumn, distinctUserCountColumn, filteredReasonColumn,
// privacyFilteringBehavior; policy/filtered_rows.h) and outputColumns (policy/output_columns.h).
// Checked once here for every face; they travel with the execution's protected query, which
// applies them when the query is checked and when it runs.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "catalog/workflows_repo.h"
#include "common/error.h"
#include "engine/engine.h"
#include "policy/output_columns.h"
#include "policy/query_check.h"

namespace cleanroom::core {

// What a query is asked to answer besides its SQL (filteredMetricsDiscriminatorColumn travels on
// its own, as StartQueryRequest::filtered_rows_column).
struct OutputOptions {
  policy::FilteredRowOptions filtered_rows;
  std::vector<policy::ExpectedColumn> columns;  // outputColumns; empty: any
};

// The workflow's output fields are well formed: each option names a column (letters, digits,
// '_'), a different one; privacyFilteringBehavior is REMOVE_ROWS or REMOVE_VALUES; outputColumns
// are at most 100, each named once, with a dataType of the public model, columnType DIMENSION
// or METRIC, and a precision and scale only for a DECIMAL. Validation errors name the field.
Status check_output_options(const catalog::WorkflowRecord& w);

// The options of a checked workflow.
OutputOptions output_options_of(const catalog::WorkflowRecord& w);

// As a protected query keeps them (ProtectedQueryRecord::output_options): null when there are
// none, so that other queries stay as they were.
nlohmann::json output_options_json(const OutputOptions& o);
OutputOptions output_options_from(const nlohmann::json& j);

// outputColumns against the columns the checked query binds to (`answered`, never a row): a
// Validation error (INVALID_QUERY) names the first difference. The option columns
// (`discriminator` and o's) need not be listed.
Status check_answered_columns(const std::string& discriminator, const OutputOptions& o,
                              const std::vector<engine::ResultColumn>& answered);

}  // namespace cleanroom::core
