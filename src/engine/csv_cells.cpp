#include "engine/csv_cells.h"

#include <regex>

namespace cleanroom::engine {
namespace {

// Types whose printed form is a number, a truth value, a date or time, or a bracketed nested
// value ('[', '{'): none can start like a formula, and a number must reach the spreadsheet as a
// number even when it is negative. Every other type (VARCHAR, ENUM, BLOB, JSON, UNION,
// INTERVAL, and any type added later) prints free text and is neutralised.
bool prints_as_safe(const std::string& type) {
  static const std::regex safe(
      "BOOLEAN|TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|"
      "UHUGEINT|FLOAT|DOUBLE|DECIMAL\\(\\d+,\\d+\\)|BIGNUM|UUID|BIT|DATE|TIME|"
      "TIME WITH TIME ZONE|TIMESTAMP(_S|_MS|_NS)?|TIMESTAMP WITH TIME ZONE|"
      "(STRUCT|MAP)\\(.*\\)|.*\\[\\d*\\]");
  return std::regex_match(type, safe);
}

// The same test as starts_like_formula, in SQL (RE2 reads \t and \r as tab and CR).
std::string neutralised_sql(const std::string& text) {
  return "CASE WHEN regexp_matches(" + text + ", '^[=+\\-@\\t\\r]') THEN '''' || " + text +
         " ELSE " + text + " END";
}

}  // namespace

bool starts_like_formula(std::string_view text) {
  if (text.empty()) return false;
  switch (text.front()) {
    case '=':
    case '+':
    case '-':
    case '@':
    case '\t':
    case '\r':
      return true;
    default:
      return false;
  }
}

std::string neutralised_cell(std::string_view text) {
  return starts_like_formula(text) ? "'" + std::string(text) : std::string(text);
}

std::string csv_safe_select(const std::string& select, const std::vector<ResultColumn>& columns) {
  std::string list;
  for (size_t i = 0; i < columns.size(); ++i) {
    const auto& [name, type] = columns[i];
    // By position: the names of a result need not be unique (SELECT a, a).
    std::string cell = "#" + std::to_string(i + 1);
    if (!prints_as_safe(type))
      cell = neutralised_sql(type == "VARCHAR" ? cell : "CAST(" + cell + " AS VARCHAR)");
    list += (i ? ", " : "") + cell + " AS " + sql_identifier(neutralised_cell(name));
  }
  if (list.empty()) return select;
  return "SELECT " + list + " FROM (" + select + ")";
}

}  // namespace cleanroom::engine
