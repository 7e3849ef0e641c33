#pragma once
// The walker behind walk_query (query_walker.h): its scopes and name bindings, private to
// src/policy. Queries and FROM clauses are walked in query_walker.cpp, expressions and names in
// expression_walker.cpp.
#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "policy/query_walker.h"

namespace cleanroom::policy::walk {

// Deeper trees are refused rather than walked: the walk is recursive.
constexpr int kMaxDepth = 200;

struct CteEnv {
  std::vector<Relation> ctes;
  const CteEnv* outer = nullptr;
  const Relation* find(std::string_view name) const {
    for (const CteEnv* e = this; e; e = e->outer)
      for (const auto& r : e->ctes)
        if (same_name(r.name, name)) return &r;
    return nullptr;
  }
};

// The select list of the SELECT being walked, for names that refer to its aliases.
struct SelectItems {
  const json* list = nullptr;
  size_t visible = 0;  // aliases of items before this one may be named
  std::vector<bool> in_progress;
};

struct Scope {
  std::vector<Relation> relations;
  const Scope* outer = nullptr;
  const CteEnv* env = nullptr;
  SelectItems* items = nullptr;
  std::vector<WindowUse> windows;  // the window functions of its SELECT
};

struct QueryOutput {
  std::vector<RelationColumn> columns;
  std::set<int> people;  // Relation::people of its rows
};

// A name's possible meaning: a column of a relation, or a select-list alias.
struct Binding {
  const Relation* relation = nullptr;
  const RelationColumn* column = nullptr;
  size_t item = SIZE_MAX;
};

inline bool looks_like_path(std::string_view name) {
  return name.find_first_of("/\\.:~*?") != std::string_view::npos;
}

class Walker {
 public:
  Walker(const SqlText& sql, const QueryContext& ctx, const SqlFeatures& features,
         const std::vector<QueryRules*>& rules)
      : sql_(sql), ctx_(ctx), features_(features), rules_(rules) {}

  Result<WalkedQuery> run(const json& statement) {
    CR_TRY(expect_only(sql_, statement, {"node"}, "statement"));
    CR_ASSIGN(auto out, query_node(member(statement, "node"), nullptr, nullptr, true, true));
    (void)out;
    return std::move(result_);
  }

 private:
  // ---- query nodes (query_walker.cpp) ---------------------------------------------------------
  Result<QueryOutput> query_node(const json& node, const CteEnv* env, const Scope* outer,
                                 bool output, bool outermost);
  Result<QueryOutput> query_node_at_depth(const json& node, const CteEnv* env, const Scope* outer,
                                          bool output, bool outermost);
  Result<QueryOutput> select_node(const json& node, const CteEnv* env, const Scope* outer,
                                  bool output, bool outermost);
  Result<QueryOutput> set_operation(const json& node, const CteEnv* env, const Scope* outer,
                                    bool output, bool outermost);
  // VALUES (...), (...): DuckDB parses it as SELECT * FROM an expression list.
  Result<QueryOutput> values_node(const json& node);
  Result<const CteEnv*> ctes(const json& cte_map, const CteEnv* env);
  Status rename(Relation& r, const json& aliases);
  Status check_group_sets(const json& node, size_t groups, const json& first);
  Status modifiers(const json& mods, Scope& scope, bool output, const json* items, bool* distinct);

  // A GROUP BY or ORDER BY expression: a whole-number constant names a select item by position.
  Result<Lineage> ordering_expr(const json& e, Scope& scope, const ExprContext& c,
                                const json* items);

  // ---- FROM (query_walker.cpp) ----------------------------------------------------------------
  Status from_clause(const json& ref, Scope& scope, bool output, bool outermost);
  Status add_relation(Scope& scope, Relation r, const json& ref);
  Status base_table(const json& ref, Scope& scope, bool outermost);
  Status derived_table(const json& ref, Scope& scope);
  Status join(const json& ref, Scope& scope, bool output, bool outermost);
  // Person columns a join equates identify the same person: they count each other's people.
  void forget_merged_people_beside_values(std::vector<RelationColumn>& columns) const;
  void share_counts(const JoinUse& use, Scope& scope, size_t left_end);

  // Whether a JOIN condition is AND/OR over `column = column`, and which columns it equates.
  void join_shape(const json& e, const Scope& scope, JoinUse& use);
  bool exact_same_type(const Relation& a, const std::string& ca, const Relation& b,
                       const std::string& cb) const;

  // ---- expressions and names (expression_walker.cpp) -------------------------------------------
  ExprContext context(Clause c, bool output) const;
  static ExprContext child_of(const ExprContext& c, const json& parent);
  Result<Lineage> expr(const json& e, Scope& scope, const ExprContext& c);
  Result<Lineage> expr_at_depth(const json& e, Scope& scope, const ExprContext& c);

  // Every meaning DuckDB might give a column name here. Two columns of the FROM clause with the
  // name is an ambiguity DuckDB refuses too; a column and an alias are both kept (and both
  // checked), since which one DuckDB picks depends on the clause.
  std::vector<Binding> bindings(const json& ref, const Scope& scope, Clause clause,
                                std::string* problem = nullptr) const;
  Result<Lineage> column_ref(const json& e, Scope& scope, const ExprContext& c);
  Result<Lineage> value_function(const json& e, const std::string& name, const ExprContext& c);
  Status check_function_name(const json& e);
  Result<Lineage> function(const json& e, Scope& scope, const ExprContext& c);
  Result<Lineage> window(const json& e, Scope& scope, const ExprContext& c);
  Result<Lineage> operation(const json& e, Scope& scope, const ExprContext& c);
  Result<Lineage> subquery(const json& e, Scope& scope, const ExprContext& c);
  // A comparison's operands: columns of different types are refused (no implicit cast across
  // parties); one that cannot raise is recorded in WalkedQuery::safe_comparisons.
  Status compared_types(const json& e, const std::vector<const json*>& operands,
                        const std::vector<Lineage>& lineages);

  const SqlText& sql_;
  const QueryContext& ctx_;
  const SqlFeatures& features_;
  const std::vector<QueryRules*>& rules_;
  std::vector<std::unique_ptr<CteEnv>> envs_;
  std::vector<std::set<ColumnKey>*> collectors_;
  int depth_ = 0;
  int next_instance_ = 0;
  WalkedQuery result_;
};

}  // namespace cleanroom::policy::walk
