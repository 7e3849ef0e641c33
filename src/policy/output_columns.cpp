#include "policy/output_columns.h"

#include <algorithm>
#include <cstdio>
#include <map>

#include "policy/sql_tree.h"

namespace cleanroom::policy {
namespace {

bool is_integer_type(std::string_view t) {
  static const std::vector<std::string_view> types = {
      "TINYINT",  "SMALLINT",  "INTEGER",  "BIGINT",  "HUGEINT",
      "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT", "UHUGEINT"};
  return std::find(types.begin(), types.end(), t) != types.end();
}

// DECIMAL(p,s): p and s.
std::optional<std::pair<int, int>> decimal_of(std::string_view t) {
  int precision = 0, scale = 0;
  if (t.rfind("DECIMAL(", 0) != 0) return std::nullopt;
  if (std::sscanf(std::string(t).c_str(), "DECIMAL(%d,%d)", &precision, &scale) != 2)
    return std::nullopt;
  return std::make_pair(precision, scale);
}

bool same_kind(const ExpectedColumn& e, std::string_view type) {
  const std::string& d = e.data_type;
  if (d == "BYTE" || d == "SHORT" || d == "INTEGER" || d == "LONG") return is_integer_type(type);
  if (d == "DECIMAL") {
    if (is_integer_type(type)) return true;
    auto decimal = decimal_of(type);
    if (!decimal) return false;
    return (!e.precision || *e.precision == decimal->first) &&
           (!e.scale || *e.scale == decimal->second);
  }
  if (d == "DOUBLE" || d == "FLOAT") return type == "DOUBLE" || type == "FLOAT";
  return output_data_type(type) == d;
}

std::string listed(const std::vector<std::pair<std::string, std::string>>& answered) {
  std::string out;
  for (const auto& [name, type] : answered)
    out += (out.empty() ? "" : ", ") + name + " (" + output_data_type(type) + ")";
  return out;
}

}  // namespace

const std::vector<std::string_view>& output_data_types() {
  static const std::vector<std::string_view> types = {
      "BINARY",  "BOOLEAN", "BYTE",     "CALENDAR_INTERVAL", "DATE",
      "DECIMAL", "DOUBLE",  "FLOAT",    "INTEGER",           "LONG",
      "SHORT",   "STRING",  "TIMESTAMP"};
  return types;
}

std::string output_data_type(std::string_view duckdb_type) {
  static const std::map<std::string_view, std::string_view> types = {
      {"VARCHAR", "STRING"},
      {"BIGINT", "LONG"},
      {"INTEGER", "INTEGER"},
      {"SMALLINT", "SHORT"},
      {"TINYINT", "BYTE"},
      {"DOUBLE", "DOUBLE"},
      {"FLOAT", "FLOAT"},
      {"BOOLEAN", "BOOLEAN"},
      {"DATE", "DATE"},
      {"TIMESTAMP", "TIMESTAMP"},
      {"BLOB", "BINARY"},
      {"INTERVAL", "CALENDAR_INTERVAL"},
      {"HUGEINT", "DECIMAL"},
      {"UHUGEINT", "DECIMAL"},
      {"UBIGINT", "DECIMAL"},
      {"UINTEGER", "LONG"},
      {"USMALLINT", "INTEGER"},
      {"UTINYINT", "SHORT"},
      {"TIMESTAMP WITH TIME ZONE", "TIMESTAMP"}};
  auto it = types.find(duckdb_type);
  if (it != types.end()) return std::string(it->second);
  if (decimal_of(duckdb_type)) return "DECIMAL";
  return std::string(duckdb_type);
}

Status check_output_columns(const std::vector<ExpectedColumn>& expected,
                            const std::vector<std::pair<std::string, std::string>>& answered,
                            const std::vector<std::string>& may_omit) {
  if (expected.empty()) return {};
  for (size_t i = 0; i < expected.size(); ++i) {
    const auto& e = expected[i];
    const std::string field = "outputColumns[" + std::to_string(i) + "] " + e.name;
    auto it = std::find_if(answered.begin(), answered.end(),
                           [&](const auto& a) { return same_name(a.first, e.name); });
    if (it == answered.end())
      return invalid_query(field + " is not a column of the query's output, which answers " +
                           listed(answered));
    if (!same_kind(e, it->second)) {
      std::string want = e.data_type;
      if (e.data_type == "DECIMAL" && (e.precision || e.scale))
        want += "(" + (e.precision ? std::to_string(*e.precision) : "?") + "," +
                (e.scale ? std::to_string(*e.scale) : "?") + ")";
      return invalid_query(field + " must be " + want + ", but the query answers it as " +
                           output_data_type(it->second) + " (DuckDB " + it->second + ")");
    }
  }
  for (const auto& [name, type] : answered) {
    auto named = [&](const std::string& n) { return same_name(n, name); };
    if (std::any_of(expected.begin(), expected.end(),
                    [&](const ExpectedColumn& e) { return named(e.name); }) ||
        std::any_of(may_omit.begin(), may_omit.end(), named))
      continue;
    return invalid_query("the query answers the column " + name + " (" + output_data_type(type) +
                         "), which outputColumns does not list");
  }
  return {};
}

}  // namespace cleanroom::policy
