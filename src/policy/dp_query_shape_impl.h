#pragma once
// What dp_query_shape.cpp (the WITHs, subqueries and joins) and dp_final_select.cpp (the final
// SELECT) share: the relations of a FROM clause as differential privacy sees them, and how names
// resolve among them. Private to src/policy.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"
#include "policy/dp_query_shape.h"
#include "policy/sql_tree.h"

namespace cleanroom::policy::dp_shape {

// A relation of a FROM clause (a table, a WITH, a subquery) as differential privacy sees it.
struct Rel {
  std::string name;  // how SQL names it: alias, else its own name; "" for an unnamed subquery
  std::vector<std::string> columns;
  std::vector<std::string> types;  // DuckDB types where known, else ""
  int person = -1;   // the column identifying each row's person; -1: it holds no DP rows
  std::string what;  // for messages: "table impressions", "WITH per_user"
};

struct ColumnAt {
  size_t rel;
  size_t column;
};

bool integer_type(std::string_view type);

// Equal expressions, whatever their positions and aliases.
bool same_expr(const json& a, const json& b);

// Every expression node below `node` (itself included, and inside WITHs and subqueries), depth
// first. A constant's value and a cast's type hold no expression.
template <typename F>
void each_expression(const json& node, F&& f) {
  if (node.is_object()) {
    if (node.contains("class")) f(node);
    if (node_class(node) == "CONSTANT") return;
    for (const auto& [k, v] : node.items())
      if (k != "cast_type") each_expression(v, f);
  } else if (node.is_array()) {
    for (const auto& v : node) each_expression(v, f);
  }
}

// The clauses of one SELECT that hold its own expressions (not its FROM or WITH).
template <typename F>
void each_own_expression(const json& select, F&& f) {
  for (const char* k :
       {"select_list", "where_clause", "group_expressions", "having", "qualify", "modifiers"})
    each_expression(member(select, k), f);
}

bool is_aggregate_call(const json& e);

// The column a reference names among rels[begin, end), as DuckDB binds it in a FROM clause:
// table.column, or a column name that exactly one relation has.
std::optional<ColumnAt> resolve(const json& ref, const std::vector<Rel>& rels, size_t begin,
                                size_t end);
// Two references to one column of the FROM clause (segment and c.segment).
bool same_column(const json& a, const json& b, const std::vector<Rel>& rels);
bool is_person(const std::vector<Rel>& rels, const ColumnAt& at);
const Rel* first_person(const std::vector<Rel>& rels);
// Every column an expression of a final row names is a column of the FROM clause (an alias
// of the SELECT list would mean something else in the rewritten query).
Status row_expression(const SqlText& sql, const json& e, const std::vector<Rel>& rels,
                      const char* where);

// The final SELECT over `rels`, its FROM clause (dp_final_select.cpp).
Result<DpShape> final_select(const SqlText& sql, const json& node, const std::vector<Rel>& rels);

}  // namespace cleanroom::policy::dp_shape
