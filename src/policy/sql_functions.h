#pragma once
// The functions a query may call at all, whatever the rule: DuckDB's names as they appear in the
// parse tree (operators included: "+", "~~" for LIKE). A function that is not here (read_csv,
// getenv, current_setting, error, nextval, ...) is refused. Rules narrow this list further.
#include <string_view>

namespace cleanroom::policy {

enum class FunctionKind { Scalar, Aggregate, Window };

struct FunctionInfo {
  FunctionKind kind = FunctionKind::Scalar;
  bool arithmetic = false;   // + - * / % // : the "mathematical operators" of LIST rules
  bool like = false;         // LIKE / ILIKE and their negations: comparisons for WHERE
  bool counts = false;       // an aggregate answering a count: the values counted stay hidden
  bool picks_value = false;  // an aggregate answering with one of its inputs (min, max, ...)
  bool builds_list = false;  // an aggregate answering with its inputs (list, string_agg, ...)
};

// nullptr when the function may not be called. `name` is lower case.
const FunctionInfo* find_function(std::string_view name);

// CURRENT_DATE and its kin parse as column references; DuckDB binds them as functions when no
// column has the name.
bool is_sql_value_function(std::string_view lower_name);

}  // namespace cleanroom::policy
