#pragma once
// The walk over one SELECT's parse tree: resolves every table and column name as DuckDB will
// (case-insensitively; CTEs before tables; every binding DuckDB might choose is checked), tracks
// where each value comes from (its lineage), refuses what no rule admits (table functions, files,
// qualified or unknown names, *, parameters, unknown node kinds), and shows each use of a column,
// function, operator, join and SELECT to the rules in force (QueryRules), which refuse what their
// rule type does not allow.
#include <compare>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"
#include "policy/query_check.h"
#include "policy/sql_functions.h"
#include "policy/sql_tree.h"

namespace cleanroom::policy {

// A column of a table of the collaboration: its index in QueryContext::tables and its name as
// the table lists it.
struct ColumnKey {
  int table = -1;
  std::string column;
  auto operator<=>(const ColumnKey&) const = default;
};

// One occurrence of a table in the query (Relation::instance indexes WalkedQuery::instances).
struct TableInstance {
  int table;
  std::string relation;  // its name in its FROM clause
  bool outermost_from;   // read by the outermost SELECT's FROM clause itself
};

// Where a value comes from.
struct Lineage {
  std::set<ColumnKey> derived;  // every column it depends on in any way (conditions included)
  std::set<ColumnKey> values;   // columns whose values flow into it (a COUNT hides what it counts)
  bool pure = false;            // one column's values unchanged (through CTEs, subqueries, UNION)
  bool literal = false;         // a literal went into it
  bool aggregate = false;       // holds an aggregate call of its own SELECT
  bool window = false;          // holds a window function
  std::string type;             // its DuckDB type when known: a column's own, or a CAST's target
  // The occurrences of tables (Relation::instance) whose person each row's value identifies:
  // a person identity column passed on unchanged, or one a join equates with it. Counting it
  // counts the people of those occurrences.
  std::set<int> counts;
  // The occurrences whose person id a FULL JOIN equated with this one: COALESCE of the two ids
  // then identifies, on every row, the person of each side present.
  std::set<int> full_joined;
  // A COALESCE of such ids: each row's value is the person of whichever sides are present, so it
  // counts the people of all of them only while no value of one side rides along (walk_select).
  bool merged_sides = false;

  void merge(const Lineage& o);
};

struct RelationColumn {
  std::string name;
  Lineage lineage;
};

// A table, CTE or subquery in a FROM clause.
struct Relation {
  std::string name;   // how SQL refers to it: its alias, else its name as written; may be empty
  int table = -1;     // a table of the collaboration: its index in QueryContext::tables
  int instance = -1;  // ... and which of its occurrences in the query
  std::vector<RelationColumn> columns;
  const json* node = nullptr;
  // The occurrences of tables whose rows reach this relation's rows one by one, not yet
  // aggregated: each row belongs to one person of each (DESIGN.md "Thresholds count people").
  std::set<int> people;
};

enum class Clause {
  Select,
  JoinOn,
  Where,
  GroupBy,
  Having,
  OrderBy,
  Qualify,
  DistinctOn,
  AggregateFilter,
  AggregateOrder,
  WindowSpec,
};
std::string_view clause_name(Clause c);

struct ExprContext {
  Clause clause = Clause::Select;
  bool output = false;              // in a SELECT whose select list is the query's output
  bool item_root = false;           // the node is a whole select item
  const json* parent = nullptr;     // the enclosing expression node
  const json* aggregate = nullptr;  // the innermost enclosing aggregate call of this SELECT
};

struct ColumnUse {
  const json& ref;  // the COLUMN_REF node
  const Relation& relation;
  const RelationColumn& column;
  const ExprContext& ctx;
};

// A FUNCTION or WINDOW node, or a COLUMN_REF that DuckDB binds as a function (CURRENT_DATE).
struct CallUse {
  const json& node;
  std::string name;  // lower case
  const FunctionInfo& info;
  bool distinct;
  bool window;  // an OVER (...) call
  const std::vector<Lineage>& args;
  const ExprContext& ctx;
};

// Any other expression node with operands: COMPARISON, CONJUNCTION, BETWEEN, OPERATOR, CASE,
// CAST, SUBQUERY.
struct OperationUse {
  const json& node;
  std::string_view node_class;
  std::string_view type;
  const std::vector<Lineage>& operands;
  const ExprContext& ctx;
  // SUBQUERY only: the occurrences whose single rows the subquery answers with (Relation::people),
  // and its one column, when it has exactly one (x IN (SELECT y ...)).
  std::set<int> subquery_people = {};
  const Lineage* subquery_column = nullptr;
  const std::vector<TableInstance>* instances = nullptr;  // every table occurrence read so far
};

// An equality between two columns of two base tables in a JOIN condition.
struct JoinEquality {
  const Relation* left;
  const Relation* right;
  const json* node;
};

struct JoinUse {
  const json& node;
  std::string_view join_type;  // INNER, LEFT, RIGHT, FULL
  std::string_view ref_type;   // REGULAR (ON ...) or CROSS
  const json* condition;       // nullptr for CROSS
  // The condition is AND/OR over equalities of two column references, nothing else.
  bool only_column_equalities;
  std::set<std::string> logical_operators;  // AND, OR used in the condition
  std::vector<JoinEquality> equalities;
  std::vector<const Relation*> tables;  // the base tables whose columns the condition names
  bool output;
};

// A window function of a SELECT, with what its PARTITION BY identifies.
struct WindowUse {
  const json* node;
  std::set<int> partition_counts;  // Lineage::counts of its PARTITION BY columns
};

struct SelectUse {
  const json& node;
  bool output;     // its select list is the query's output
  bool outermost;  // the outermost query node (not a branch of a set operation)
  bool distinct;   // SELECT DISTINCT
  bool grouped;    // GROUP BY present
  const std::vector<Lineage>& items;
  const std::vector<Relation>& from;
  const std::vector<TableInstance>* instances;  // every table occurrence read so far
  bool aggregates;            // GROUP BY, HAVING or an aggregate in the SELECT list
  std::set<int> from_people;  // Relation::people of its FROM clause
  std::set<int> people;       // ... of its rows: from_people, less what it aggregates
  std::set<int> aggregated;   // from_people it aggregates (rows of many people become one)
  std::vector<WindowUse> windows;
};

// What one rule (or the AMC privacy model) refuses, seen use by use.
class QueryRules {
 public:
  virtual ~QueryRules() = default;
  virtual Status on_column(const ColumnUse&) { return {}; }
  virtual Status on_call(const CallUse&) { return {}; }
  virtual Status on_operation(const OperationUse&) { return {}; }
  virtual Status on_join(const JoinUse&) { return {}; }
  virtual Status on_select(const SelectUse&) { return {}; }
};

// The query shapes a rule type admits at all; the walker refuses the rest, naming the rule.
struct SqlFeatures {
  std::string rule;  // for messages: "AGGREGATION analysis rules"
  bool ctes = false;
  bool set_operations = false;
  bool derived_tables = false;  // subqueries in FROM
  bool subqueries = false;      // subqueries in expressions
  bool windows = false;
  bool outer_joins = false;
  bool cross_joins = false;
  bool distinct = true;
  bool distinct_on = false;
  bool group_by = true;
  bool having = true;
  bool order_by = true;
  bool qualify = false;
  bool right_joins = true;  // with outer_joins
  bool values = false;      // VALUES lists in FROM
  bool order_by_outside_windows = true;
};

// What the walk found, for the checks that need the whole query.
// Pairs of (relation name, column name) that a join equates.
using EquatedColumns = std::vector<
    std::pair<std::pair<std::string, std::string>, std::pair<std::string, std::string>>>;

struct WalkedQuery {
  std::vector<int> tables;  // QueryContext::tables read, in order of first appearance
  std::vector<TableInstance> instances;
  std::vector<std::pair<int, int>> inner_join_edges;  // instances equated in an INNER JOIN
  // Columns (relation name, column name) an INNER JOIN's AND-only condition equates, of one exact
  // type: on every joined row they hold the identical value, so they count the same distinct
  // values (never columns of different types, where a cast makes '42' and '042' equal).
  EquatedColumns equated_columns;
  bool outermost_is_select = false;
  std::vector<Relation> outermost_from;  // the outermost SELECT's FROM relations
  std::vector<Lineage> output;           // one per output column
  std::set<ColumnKey> referenced;        // every column named anywhere
  // query_locations of comparisons that cannot raise: columns of one type, or a column and a
  // literal the binder converts to the column's type before any row is read (safe_eval.h).
  std::set<uint64_t> safe_comparisons;
};

Result<WalkedQuery> walk_query(const SqlText& sql, const json& statement, const QueryContext& ctx,
                               const SqlFeatures& features, const std::vector<QueryRules*>& rules);

}  // namespace cleanroom::policy
