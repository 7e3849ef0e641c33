#include "policy/query_walker.h"

#include <algorithm>
#include <utility>

namespace cleanroom::policy {

void Lineage::merge(const Lineage& o) {
  derived.insert(o.derived.begin(), o.derived.end());
  values.insert(o.values.begin(), o.values.end());
  literal = literal || o.literal;
  aggregate = aggregate || o.aggregate;
  window = window || o.window;
  pure = false;
}

std::string_view clause_name(Clause c) {
  switch (c) {
    case Clause::Select:
      return "the SELECT list";
    case Clause::JoinOn:
      return "a JOIN condition";
    case Clause::Where:
      return "WHERE";
    case Clause::GroupBy:
      return "GROUP BY";
    case Clause::Having:
      return "HAVING";
    case Clause::OrderBy:
      return "ORDER BY";
    case Clause::Qualify:
      return "QUALIFY";
    case Clause::DistinctOn:
      return "DISTINCT ON";
    case Clause::AggregateFilter:
      return "an aggregate's FILTER";
    case Clause::AggregateOrder:
      return "an aggregate's ORDER BY";
    case Clause::WindowSpec:
      return "a window's OVER (...)";
  }
  return "";
}

namespace {

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
};

struct QueryOutput {
  std::vector<RelationColumn> columns;
};

// A name's possible meaning: a column of a relation, or a select-list alias.
struct Binding {
  const Relation* relation = nullptr;
  const RelationColumn* column = nullptr;
  size_t item = SIZE_MAX;
};

bool looks_like_path(std::string_view name) {
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
  // ---- query nodes -------------------------------------------------------------------------

  Result<QueryOutput> query_node(const json& node, const CteEnv* env, const Scope* outer,
                                 bool output, bool outermost) {
    if (++depth_ > kMaxDepth) return invalid_query("the query is nested too deeply");
    auto out = query_node_at_depth(node, env, outer, output, outermost);
    --depth_;
    return out;
  }

  Result<QueryOutput> query_node_at_depth(const json& node, const CteEnv* env, const Scope* outer,
                                          bool output, bool outermost) {
    std::string_view type = node_type(node);
    if (type == "SELECT_NODE") return select_node(node, env, outer, output, outermost);
    if (type == "SET_OPERATION_NODE") return set_operation(node, env, outer, output, outermost);
    if (type == "CTE_NODE")
      return invalid_query("MATERIALIZED common table expressions are not supported");
    if (type == "RECURSIVE_CTE_NODE")
      return invalid_query("recursive common table expressions (WITH RECURSIVE) are not allowed");
    return invalid_query("unsupported query (" + std::string(type) + ")");
  }

  Result<QueryOutput> select_node(const json& node, const CteEnv* env, const Scope* outer,
                                  bool output, bool outermost) {
    CR_TRY(
        expect_only(sql_, node,
                    {"modifiers", "cte_map", "select_list", "from_table", "where_clause",
                     "group_expressions", "group_sets", "aggregate_handling", "having", "qualify"},
                    "SELECT"));
    const json& items = member(node, "select_list");
    if (!items.is_array() || items.empty()) return invalid_query("a SELECT without columns");
    const json& first = items[0];
    if (str(node, "aggregate_handling") != "STANDARD_HANDLING")
      return sql_.error(first, "GROUP BY ALL is not supported: name the grouping columns");
    CR_ASSIGN(env, ctes(member(node, "cte_map"), env));

    Scope scope;
    scope.outer = outer;
    scope.env = env;
    const json& from = member(node, "from_table");
    if (from.is_null() || node_type(from) == "EMPTY")
      return sql_.error(first, "every SELECT must read from a table of the collaboration");
    CR_TRY(from_clause(from, scope, output, outermost));

    SelectItems sel;
    sel.list = &items;
    sel.in_progress.assign(items.size(), false);
    sel.visible = items.size();
    scope.items = &sel;

    if (!member(node, "where_clause").is_null())
      CR_TRY(status_of(expr(member(node, "where_clause"), scope, context(Clause::Where, output))));

    std::vector<Lineage> lineages;
    QueryOutput out;
    for (size_t i = 0; i < items.size(); ++i) {
      sel.visible = i;
      sel.in_progress[i] = true;
      ExprContext c = context(Clause::Select, output);
      c.item_root = true;
      CR_ASSIGN(Lineage l, expr(items[i], scope, c));
      sel.in_progress[i] = false;
      out.columns.push_back({output_name(items[i]), l});
      lineages.push_back(std::move(l));
    }
    sel.visible = items.size();

    const json& groups = member(node, "group_expressions");
    if (!groups.empty() && !features_.group_by)
      return sql_.error(groups[0], "GROUP BY is not allowed by " + features_.rule);
    for (const auto& g : groups)
      CR_TRY(status_of(ordering_expr(g, scope, context(Clause::GroupBy, output), &items)));
    CR_TRY(check_group_sets(node, groups.size(), first));
    if (!member(node, "having").is_null()) {
      if (!features_.having)
        return sql_.error(member(node, "having"), "HAVING is not allowed by " + features_.rule);
      CR_TRY(status_of(expr(member(node, "having"), scope, context(Clause::Having, output))));
    }
    if (!member(node, "qualify").is_null()) {
      if (!features_.qualify)
        return sql_.error(member(node, "qualify"), "QUALIFY is not allowed by " + features_.rule);
      CR_TRY(status_of(expr(member(node, "qualify"), scope, context(Clause::Qualify, output))));
    }
    bool distinct = false;
    CR_TRY(modifiers(member(node, "modifiers"), scope, output, &items, &distinct));

    SelectUse use{node, output, outermost, distinct, !groups.empty(), lineages, scope.relations};
    for (auto* r : rules_) CR_TRY(r->on_select(use));
    if (outermost) {
      result_.outermost_is_select = true;
      result_.outermost_from = scope.relations;
      result_.output = lineages;
    }
    return out;
  }

  Result<QueryOutput> set_operation(const json& node, const CteEnv* env, const Scope* outer,
                                    bool output, bool outermost) {
    CR_TRY(expect_only(sql_, node,
                       {"modifiers", "cte_map", "setop_type", "left", "right", "setop_all"},
                       "set operation"));
    std::string_view op = str(node, "setop_type");
    if (!features_.set_operations)
      return invalid_query("UNION, INTERSECT and EXCEPT are not allowed by " + features_.rule);
    if (op != "UNION" && op != "EXCEPT" && op != "INTERSECT")
      return invalid_query("unsupported set operation " + std::string(op) +
                           " (UNION BY NAME is not supported)");
    CR_ASSIGN(env, ctes(member(node, "cte_map"), env));
    CR_ASSIGN(auto left, query_node(member(node, "left"), env, outer, output, false));
    CR_ASSIGN(auto right, query_node(member(node, "right"), env, outer, output, false));
    if (left.columns.size() != right.columns.size())
      return invalid_query("the two sides of " + std::string(op) +
                           " have different numbers of columns");
    QueryOutput out = left;
    for (size_t i = 0; i < out.columns.size(); ++i) {
      Lineage& l = out.columns[i].lineage;
      bool pure = l.pure && right.columns[i].lineage.pure;
      l.merge(right.columns[i].lineage);
      l.pure = pure;
    }
    // ORDER BY of a set operation names its output columns.
    Scope scope;
    scope.env = env;
    scope.relations.push_back(Relation{"", -1, -1, out.columns, &node});
    bool distinct = false;
    CR_TRY(modifiers(member(node, "modifiers"), scope, output, nullptr, &distinct));
    if (outermost) {
      result_.outermost_is_select = false;
      for (const auto& c : out.columns) result_.output.push_back(c.lineage);
    }
    return out;
  }

  Result<const CteEnv*> ctes(const json& cte_map, const CteEnv* env) {
    const json& map = member(cte_map, "map");
    if (!map.is_array() || map.empty()) return env;
    if (!features_.ctes)
      return invalid_query("WITH (common table expressions) is not allowed by " + features_.rule);
    auto fresh = std::make_unique<CteEnv>();
    fresh->outer = env;
    for (const auto& entry : map) {
      std::string name(str(entry, "key"));
      const json& value = member(entry, "value");
      CR_TRY(expect_only(sql_, value, {"aliases", "query", "materialized"}, "WITH"));
      if (is_reserved_name(name))
        return invalid_query("names starting with " + std::string(kReservedPrefix) +
                             " are reserved");
      for (const auto& t : ctx_.tables)
        if (same_name(t.name, name))
          return invalid_query("the WITH name '" + name +
                               "' hides a table of the collaboration; choose another name");
      for (const auto& r : fresh->ctes)
        if (same_name(r.name, name))
          return invalid_query("the WITH name '" + name + "' is defined twice");
      const json& query = member(value, "query");
      CR_TRY(expect_only(sql_, query, {"node"}, "WITH"));
      CR_ASSIGN(auto body, query_node(member(query, "node"), fresh.get(), nullptr, false, false));
      Relation r;
      r.name = name;
      r.columns = std::move(body.columns);
      CR_TRY(rename(r, member(value, "aliases")));
      fresh->ctes.push_back(std::move(r));
    }
    envs_.push_back(std::move(fresh));
    return envs_.back().get();
  }

  Status rename(Relation& r, const json& aliases) {
    if (!aliases.is_array()) return {};
    if (aliases.size() > r.columns.size())
      return invalid_query("more column aliases than columns for '" + r.name + "'");
    for (size_t i = 0; i < aliases.size(); ++i) {
      if (!aliases[i].is_string()) return invalid_query("malformed column alias");
      r.columns[i].name = aliases[i].get<std::string>();
      if (is_reserved_name(r.columns[i].name))
        return invalid_query("names starting with " + std::string(kReservedPrefix) +
                             " are reserved");
    }
    return {};
  }

  Status check_group_sets(const json& node, size_t groups, const json& first) {
    const json& sets = member(node, "group_sets");
    bool plain = false;
    if (groups == 0) {
      plain = !sets.is_array() || sets.empty();
    } else if (sets.is_array() && sets.size() == 1 && sets[0].is_array() &&
               sets[0].size() == groups) {
      std::vector<uint64_t> ids;
      for (const auto& i : sets[0])
        if (i.is_number_unsigned() || i.is_number_integer()) ids.push_back(i.get<uint64_t>());
      std::sort(ids.begin(), ids.end());
      plain = ids.size() == groups;
      for (size_t i = 0; plain && i < ids.size(); ++i) plain = ids[i] == i;
    }
    if (!plain) return sql_.error(first, "GROUPING SETS, ROLLUP and CUBE are not supported");
    return {};
  }

  Status modifiers(const json& mods, Scope& scope, bool output, const json* items, bool* distinct) {
    if (!mods.is_array()) return {};
    for (const auto& m : mods) {
      std::string_view type = node_type(m);
      if (type == "ORDER_MODIFIER") {
        CR_TRY(expect_only(sql_, m, {"orders"}, "ORDER BY"));
        for (const auto& o : member(m, "orders")) {
          CR_TRY(expect_only(sql_, o, {"null_order", "expression"}, "ORDER BY"));
          const json& e = member(o, "expression");
          if (!features_.order_by)
            return sql_.error(e, "ORDER BY is not allowed by " + features_.rule);
          if (node_class(e) == "STAR") return sql_.error(e, "ORDER BY ALL is not supported");
          CR_TRY(status_of(ordering_expr(e, scope, context(Clause::OrderBy, output), items)));
        }
      } else if (type == "LIMIT_MODIFIER") {
        CR_TRY(expect_only(sql_, m, {"limit", "offset"}, "LIMIT"));
        for (const char* k : {"limit", "offset"}) {
          const json& v = member(m, k);
          if (v.is_null()) continue;
          auto n = integer_constant(v);
          if (!n || *n < 0) return sql_.error(v, "LIMIT and OFFSET take a whole number");
        }
      } else if (type == "DISTINCT_MODIFIER") {
        CR_TRY(expect_only(sql_, m, {"distinct_on_targets"}, "DISTINCT"));
        const json& on = member(m, "distinct_on_targets");
        if (on.is_array() && !on.empty()) {
          if (!features_.distinct_on)
            return sql_.error(on[0], "DISTINCT ON is not allowed by " + features_.rule);
          for (const auto& e : on)
            CR_TRY(status_of(expr(e, scope, context(Clause::DistinctOn, output))));
        } else {
          if (!features_.distinct)
            return invalid_query("SELECT DISTINCT is not allowed by " + features_.rule);
          *distinct = true;
        }
      } else if (type == "LIMIT_PERCENT_MODIFIER") {
        return invalid_query("LIMIT with a percentage is not supported");
      } else {
        return invalid_query("unsupported query modifier " + std::string(type));
      }
    }
    return {};
  }

  // A GROUP BY or ORDER BY expression: a whole-number constant names a select item by position.
  Result<Lineage> ordering_expr(const json& e, Scope& scope, const ExprContext& c,
                                const json* items) {
    auto position = integer_constant(e);
    if (!position) return expr(e, scope, c);
    size_t count = items                     ? items->size()
                   : scope.relations.empty() ? 0
                                             : scope.relations[0].columns.size();
    if (*position < 1 || static_cast<size_t>(*position) > count)
      return sql_.error(e,
                        "position " + std::to_string(*position) + " is not a column of the SELECT");
    if (!items) return scope.relations[0].columns[*position - 1].lineage;
    return expr((*items)[*position - 1], scope, c);
  }

  // ---- FROM ---------------------------------------------------------------------------------

  Status from_clause(const json& ref, Scope& scope, bool output, bool outermost) {
    std::string_view type = node_type(ref);
    if (type == "BASE_TABLE") return base_table(ref, scope, outermost);
    if (type == "JOIN") return join(ref, scope, output, outermost);
    if (type == "SUBQUERY") return derived_table(ref, scope);
    if (type == "TABLE_FUNCTION") {
      std::string name(str(member(ref, "function"), "function_name"));
      return sql_.error(ref, "table functions such as " + name +
                                 "(...) are not allowed: queries read only the collaboration's "
                                 "tables");
    }
    if (type == "EXPRESSION_LIST") return sql_.error(ref, "VALUES lists are not allowed");
    if (type == "PIVOT") return sql_.error(ref, "PIVOT and UNPIVOT are not supported");
    if (type == "EMPTY")
      return invalid_query("every SELECT must read from a table of the collaboration");
    return sql_.error(ref, "unsupported FROM clause (" + std::string(type) + ")");
  }

  Status add_relation(Scope& scope, Relation r, const json& ref) {
    if (is_reserved_name(r.name))
      return sql_.error(ref,
                        "names starting with " + std::string(kReservedPrefix) + " are reserved");
    for (const auto& other : scope.relations)
      if (!r.name.empty() && same_name(other.name, r.name))
        return sql_.error(
            ref, "the table name or alias '" + r.name + "' is used twice in one FROM clause");
    scope.relations.push_back(std::move(r));
    return {};
  }

  Status base_table(const json& ref, Scope& scope, bool outermost) {
    std::string name(str(ref, "table_name"));
    if (!str(ref, "schema_name").empty() || !str(ref, "catalog_name").empty())
      return sql_.error(ref,
                        "qualified table names (schema.table) are not allowed; name the table "
                        "as the collaboration does");
    CR_TRY(expect_only(sql_, ref, {"alias", "table_name"}, "table"));
    std::string alias(str(ref, "alias"));
    if (const Relation* cte = scope.env ? scope.env->find(name) : nullptr) {
      Relation r = *cte;
      r.name = alias.empty() ? name : alias;
      r.node = &ref;
      return add_relation(scope, std::move(r), ref);
    }
    for (size_t i = 0; i < ctx_.tables.size(); ++i) {
      const QueryTable& t = ctx_.tables[i];
      if (!same_name(t.name, name)) continue;
      Relation r;
      r.name = alias.empty() ? name : alias;
      r.table = static_cast<int>(i);
      r.instance = next_instance_++;
      r.node = &ref;
      for (const auto& c : t.columns) {
        RelationColumn rc{c, {}};
        rc.lineage.derived.insert({r.table, c});
        rc.lineage.values.insert({r.table, c});
        rc.lineage.pure = true;
        r.columns.push_back(std::move(rc));
      }
      if (std::find(result_.tables.begin(), result_.tables.end(), r.table) == result_.tables.end())
        result_.tables.push_back(r.table);
      result_.instances.push_back({r.table, r.name, outermost});
      return add_relation(scope, std::move(r), ref);
    }
    // A path is not repeated back: it says nothing the caller does not know.
    if (looks_like_path(name))
      return sql_.error(ref,
                        "a file path is not a table of the collaboration: queries cannot "
                        "read files or other databases");
    std::string shown = name.size() > 64 ? name.substr(0, 64) + "..." : name;
    return sql_.error(ref, "'" + shown + "' is not a table of the collaboration");
  }

  Status derived_table(const json& ref, Scope& scope) {
    if (!features_.derived_tables)
      return sql_.error(ref, "subqueries are not allowed by " + features_.rule);
    CR_TRY(expect_only(sql_, ref, {"alias", "subquery", "column_name_alias"}, "subquery"));
    const json& sub = member(ref, "subquery");
    CR_TRY(expect_only(sql_, sub, {"node"}, "subquery"));
    // No lateral references: the subquery sees the tables it names, nothing beside it.
    CR_ASSIGN(auto body, query_node(member(sub, "node"), scope.env, nullptr, false, false));
    Relation r;
    r.name = std::string(str(ref, "alias"));
    r.columns = std::move(body.columns);
    r.node = &ref;
    CR_TRY(rename(r, member(ref, "column_name_alias")));
    return add_relation(scope, std::move(r), ref);
  }

  Status join(const json& ref, Scope& scope, bool output, bool outermost) {
    if (!str(ref, "alias").empty()) return sql_.error(ref, "an alias on a JOIN is not supported");
    const json& using_columns = member(ref, "using_columns");
    if (using_columns.is_array() && !using_columns.empty())
      return sql_.error(ref, "JOIN ... USING is not supported: write ON a.x = b.x");
    CR_TRY(expect_only(sql_, ref, {"left", "right", "condition", "join_type", "ref_type"}, "JOIN"));
    std::string_view join_type = str(ref, "join_type");
    std::string_view ref_type = str(ref, "ref_type");
    if (ref_type != "REGULAR" && ref_type != "CROSS")
      return sql_.error(ref, std::string(ref_type) + " joins are not supported");
    if (join_type == "LEFT" || join_type == "RIGHT" || join_type == "OUTER") {
      if (!features_.outer_joins)
        return sql_.error(
            ref, "outer joins are not allowed by " + features_.rule + ": use [INNER] JOIN");
    } else if (join_type != "INNER") {
      return sql_.error(ref, std::string(join_type) + " joins are not supported");
    }
    if (ref_type == "CROSS" && !features_.cross_joins)
      return sql_.error(ref, "cross joins (FROM a, b or CROSS JOIN) are not allowed by " +
                                 features_.rule + ": join with ON");
    const json& condition = member(ref, "condition");
    if (ref_type == "REGULAR" && condition.is_null())
      return sql_.error(ref, "a JOIN needs an ON condition");
    CR_TRY(from_clause(member(ref, "left"), scope, output, outermost));
    CR_TRY(from_clause(member(ref, "right"), scope, output, outermost));
    if (condition.is_null()) {
      JoinUse use{ref, join_type, ref_type, nullptr, false, {}, {}, {}, output};
      for (auto* r : rules_) CR_TRY(r->on_join(use));
      return {};
    }
    CR_TRY(status_of(expr(condition, scope, context(Clause::JoinOn, output))));

    JoinUse use{ref, join_type, ref_type, &condition, true, {}, {}, {}, output};
    join_shape(condition, scope, use);
    for (const auto& eq : use.equalities) {
      for (const Relation* r : {eq.left, eq.right})
        if (std::find(use.tables.begin(), use.tables.end(), r) == use.tables.end())
          use.tables.push_back(r);
      if (join_type == "INNER" && eq.left->instance >= 0 && eq.right->instance >= 0)
        result_.inner_join_edges.push_back({eq.left->instance, eq.right->instance});
    }
    for (auto* r : rules_) CR_TRY(r->on_join(use));
    return {};
  }

  // Whether a JOIN condition is AND/OR over `column = column`, and which columns it equates.
  void join_shape(const json& e, const Scope& scope, JoinUse& use) {
    std::string_view cls = node_class(e);
    if (cls == "CONJUNCTION") {
      use.logical_operators.insert(node_type(e) == "CONJUNCTION_AND" ? "AND" : "OR");
      for (const auto& c : member(e, "children")) join_shape(c, scope, use);
      return;
    }
    if (cls == "COMPARISON" && node_type(e) == "COMPARE_EQUAL" &&
        node_class(member(e, "left")) == "COLUMN_REF" &&
        node_class(member(e, "right")) == "COLUMN_REF") {
      auto l = bindings(member(e, "left"), scope, Clause::JoinOn);
      auto r = bindings(member(e, "right"), scope, Clause::JoinOn);
      if (l.size() == 1 && r.size() == 1 && l[0].relation && r[0].relation &&
          l[0].relation->table >= 0 && r[0].relation->table >= 0) {
        use.equalities.push_back({l[0].relation, r[0].relation, &e});
        return;
      }
    }
    use.only_column_equalities = false;
  }

  // ---- expressions ----------------------------------------------------------------------------

  ExprContext context(Clause c, bool output) const {
    ExprContext ctx;
    ctx.clause = c;
    ctx.output = output;
    return ctx;
  }

  static ExprContext child_of(const ExprContext& c, const json& parent) {
    ExprContext out = c;
    out.parent = &parent;
    out.item_root = false;
    return out;
  }

  static std::string output_name(const json& item) {
    std::string alias(str(item, "alias"));
    if (!alias.empty()) return alias;
    if (node_class(item) == "COLUMN_REF") {
      const json& names = member(item, "column_names");
      if (names.is_array() && !names.empty() && names.back().is_string())
        return names.back().get<std::string>();
    }
    return "";  // DuckDB names it after the expression text; it cannot be named here
  }

  Result<Lineage> expr(const json& e, Scope& scope, const ExprContext& c) {
    if (++depth_ > kMaxDepth) return invalid_query("the query is nested too deeply");
    auto out = expr_at_depth(e, scope, c);
    --depth_;
    return out;
  }

  Result<Lineage> expr_at_depth(const json& e, Scope& scope, const ExprContext& c) {
    if (is_reserved_name(str(e, "alias")))
      return sql_.error(e, "names starting with " + std::string(kReservedPrefix) + " are reserved");
    std::string_view cls = node_class(e);
    if (cls == "COLUMN_REF") return column_ref(e, scope, c);
    if (cls == "CONSTANT") {
      CR_TRY(expect_only(sql_, e, {"alias", "value"}, "constant"));
      Lineage l;
      l.literal = true;
      return l;
    }
    if (cls == "FUNCTION") return function(e, scope, c);
    if (cls == "WINDOW") return window(e, scope, c);
    if (cls == "SUBQUERY") return subquery(e, scope, c);
    if (cls == "OPERATOR" || cls == "COMPARISON" || cls == "CONJUNCTION" || cls == "BETWEEN" ||
        cls == "CASE" || cls == "CAST")
      return operation(e, scope, c);
    if (cls == "STAR")
      return sql_.error(e, "SELECT * and COLUMNS(...) are not allowed: name the columns");
    if (cls == "PARAMETER") return sql_.error(e, "query parameters are not allowed");
    if (cls == "LAMBDA") return sql_.error(e, "lambda functions are not allowed");
    return sql_.error(e, "unsupported expression (" + std::string(cls) + ")");
  }

  // Every meaning DuckDB might give a column name here. Two columns of the FROM clause with the
  // name is an ambiguity DuckDB refuses too; a column and an alias are both kept (and both
  // checked), since which one DuckDB picks depends on the clause.
  std::vector<Binding> bindings(const json& ref, const Scope& scope, Clause clause,
                                std::string* problem = nullptr) const {
    std::vector<Binding> out;
    const json& names = member(ref, "column_names");
    auto fail = [&](std::string msg) {
      if (problem) *problem = std::move(msg);
      return std::vector<Binding>{};
    };
    if (!names.is_array() || names.empty() || names.size() > 2)
      return fail("column names have one or two parts (table.column)");
    for (const auto& n : names)
      if (!n.is_string()) return fail("malformed column name");
    std::string column = names.back().get<std::string>();
    if (names.size() == 2) {
      std::string table = names[0].get<std::string>();
      for (const Scope* s = &scope; s; s = s->outer) {
        for (const auto& r : s->relations) {
          if (r.name.empty() || !same_name(r.name, table)) continue;
          for (const auto& col : r.columns)
            if (same_name(col.name, column)) out.push_back({&r, &col});
          if (out.empty()) return fail("'" + table + "' has no column '" + column + "'");
          if (out.size() > 1) return fail("the column name '" + column + "' is ambiguous");
          return out;
        }
      }
      return fail("no table or alias named '" + table + "' here");
    }
    for (const auto& r : scope.relations)
      for (const auto& col : r.columns)
        if (same_name(col.name, column)) out.push_back({&r, &col});
    if (out.size() > 1) return fail("the column name '" + column + "' is ambiguous");
    if (scope.items && clause != Clause::JoinOn) {
      const json& list = *scope.items->list;
      for (size_t i = 0; i < scope.items->visible && i < list.size(); ++i)
        if (!scope.items->in_progress[i] && same_name(str(list[i], "alias"), column))
          out.push_back({nullptr, nullptr, i});
    }
    if (!out.empty()) return out;
    for (const Scope* s = scope.outer; s; s = s->outer) {
      for (const auto& r : s->relations)
        for (const auto& col : r.columns)
          if (same_name(col.name, column)) out.push_back({&r, &col});
      if (out.size() > 1) return fail("the column name '" + column + "' is ambiguous");
      if (!out.empty()) return out;
    }
    return fail("unknown column '" + column + "'");
  }

  Result<Lineage> column_ref(const json& e, Scope& scope, const ExprContext& c) {
    CR_TRY(expect_only(sql_, e, {"alias", "column_names"}, "column"));
    for (const auto& n : member(e, "column_names"))
      if (n.is_string() && is_reserved_name(n.get_ref<const std::string&>()))
        return sql_.error(e,
                          "names starting with " + std::string(kReservedPrefix) + " are reserved");
    std::string problem;
    auto found = bindings(e, scope, c.clause, &problem);
    if (found.empty()) {
      const json& names = member(e, "column_names");
      if (names.size() == 1 && names[0].is_string()) {
        std::string name = lower(names[0].get<std::string>());
        if (is_sql_value_function(name)) return value_function(e, name, c);
      }
      return sql_.error(e, problem);
    }
    Lineage out;
    for (size_t i = 0; i < found.size(); ++i) {
      Lineage l;
      if (found[i].relation) {
        ColumnUse use{e, *found[i].relation, *found[i].column, c};
        for (auto* r : rules_) CR_TRY(r->on_column(use));
        l = found[i].column->lineage;
        l.aggregate = false;
        l.window = false;
        result_.referenced.insert(l.derived.begin(), l.derived.end());
        for (auto* set : collectors_) set->insert(l.derived.begin(), l.derived.end());
      } else {
        // A select-list alias: the aliased expression, checked where it is used.
        size_t item = found[i].item;
        scope.items->in_progress[item] = true;
        ExprContext ac = c;
        ac.item_root = false;
        auto aliased = expr((*scope.items->list)[item], scope, ac);
        scope.items->in_progress[item] = false;
        if (!aliased.ok()) return aliased.error();
        l = *aliased;
      }
      if (i == 0) {
        out = l;
      } else {
        out.merge(l);
      }
    }
    return out;
  }

  Result<Lineage> value_function(const json& e, const std::string& name, const ExprContext& c) {
    const FunctionInfo* info = find_function(name);
    if (!info) return sql_.error(e, "function " + name + " is not allowed");
    std::vector<Lineage> none;
    CallUse use{e, name, *info, false, false, none, c};
    for (auto* r : rules_) CR_TRY(r->on_call(use));
    return Lineage{};
  }

  Status check_function_name(const json& e, const std::string& name) {
    std::string_view schema = str(e, "schema");
    std::string_view catalog = str(e, "catalog");
    if ((!schema.empty() && !same_name(schema, "main")) || !catalog.empty())
      return sql_.error(e, "qualified function names are not allowed");
    (void)name;
    return {};
  }

  Result<Lineage> function(const json& e, Scope& scope, const ExprContext& c) {
    CR_TRY(expect_only(sql_, e,
                       {"alias", "function_name", "schema", "catalog", "children", "filter",
                        "order_bys", "distinct", "is_operator"},
                       "function call"));
    std::string name = lower(str(e, "function_name"));
    CR_TRY(check_function_name(e, name));
    const FunctionInfo* info = find_function(name);
    if (!info) return sql_.error(e, "function " + name + " is not allowed");
    if (info->kind == FunctionKind::Window)
      return sql_.error(e, name + " is a window function and needs OVER (...)");
    bool aggregate = info->kind == FunctionKind::Aggregate;
    bool distinct = member(e, "distinct") == true;
    if (distinct && !aggregate)
      return sql_.error(e, "DISTINCT applies to aggregate functions only");
    if (aggregate && c.aggregate) return sql_.error(e, "aggregate functions cannot be nested");

    Lineage out;
    std::vector<Lineage> args;
    ExprContext ac = child_of(c, e);
    if (aggregate) ac.aggregate = &e;
    for (const auto& child : member(e, "children")) {
      CR_ASSIGN(Lineage l, expr(child, scope, ac));
      out.merge(l);
      args.push_back(std::move(l));
    }
    const json& filter = member(e, "filter");
    if (!filter.is_null()) {
      if (!aggregate) return sql_.error(e, "FILTER applies to aggregate functions only");
      ExprContext fc = child_of(c, e);
      fc.clause = Clause::AggregateFilter;
      CR_ASSIGN(Lineage l, expr(filter, scope, fc));
      out.derived.insert(l.derived.begin(), l.derived.end());
    }
    const json& orders = member(member(e, "order_bys"), "orders");
    if (orders.is_array() && !orders.empty()) {
      if (!aggregate) return sql_.error(e, "ORDER BY inside a call applies to aggregates only");
      ExprContext oc = child_of(c, e);
      oc.clause = Clause::AggregateOrder;
      oc.aggregate = &e;
      for (const auto& o : orders) {
        CR_TRY(expect_only(sql_, o, {"null_order", "expression"}, "ORDER BY"));
        CR_ASSIGN(Lineage l, expr(member(o, "expression"), scope, oc));
        out.derived.insert(l.derived.begin(), l.derived.end());
      }
    }
    if (aggregate) {
      out.aggregate = true;
      if (info->counts) {
        out.values.clear();
        out.literal = false;
      }
    }
    CallUse use{e, name, *info, distinct, false, args, c};
    for (auto* r : rules_) CR_TRY(r->on_call(use));
    return out;
  }

  Result<Lineage> window(const json& e, Scope& scope, const ExprContext& c) {
    if (!features_.windows)
      return sql_.error(e, "window functions are not allowed by " + features_.rule);
    CR_TRY(expect_only(
        sql_, e,
        {"alias", "function_name", "schema", "catalog", "children", "partitions", "orders", "start",
         "end", "start_expr", "end_expr", "offset_expr", "default_expr", "ignore_nulls",
         "filter_expr", "exclude_clause", "distinct", "arg_orders"},
        "window function"));
    std::string name = lower(str(e, "function_name"));
    CR_TRY(check_function_name(e, name));
    const FunctionInfo* info = find_function(name);
    if (!info || info->kind == FunctionKind::Scalar)
      return sql_.error(e, "function " + name + " is not allowed as a window function");
    if (c.aggregate) return sql_.error(e, "window functions cannot be used inside aggregates");
    Lineage out;
    std::vector<Lineage> args;
    ExprContext ac = child_of(c, e);
    for (const auto& child : member(e, "children")) {
      CR_ASSIGN(Lineage l, expr(child, scope, ac));
      out.merge(l);
      args.push_back(std::move(l));
    }
    ExprContext sc = child_of(c, e);
    sc.clause = Clause::WindowSpec;
    auto spec = [&](const json& x) -> Status {
      if (x.is_null()) return {};
      CR_ASSIGN(Lineage l, expr(x, scope, sc));
      out.merge(l);
      return {};
    };
    for (const auto& p : member(e, "partitions")) CR_TRY(spec(p));
    for (const char* list : {"orders", "arg_orders"})
      for (const auto& o : member(e, list)) {
        CR_TRY(expect_only(sql_, o, {"null_order", "expression"}, "ORDER BY"));
        CR_TRY(spec(member(o, "expression")));
      }
    for (const char* k : {"start_expr", "end_expr", "offset_expr", "default_expr", "filter_expr"})
      CR_TRY(spec(member(e, k)));
    out.window = true;
    out.aggregate = false;
    CallUse use{e, name, *info, member(e, "distinct") == true, true, args, c};
    for (auto* r : rules_) CR_TRY(r->on_call(use));
    return out;
  }

  Result<Lineage> operation(const json& e, Scope& scope, const ExprContext& c) {
    std::string_view cls = node_class(e);
    std::string_view type = node_type(e);
    std::vector<const json*> operands;
    if (cls == "OPERATOR") {
      static const std::set<std::string_view> allowed = {
          "OPERATOR_NOT", "OPERATOR_IS_NULL", "OPERATOR_IS_NOT_NULL",
          "COMPARE_IN",   "COMPARE_NOT_IN",   "OPERATOR_COALESCE"};
      if (!allowed.count(type))
        return sql_.error(e, "unsupported operator (" + std::string(type) + ")");
      CR_TRY(expect_only(sql_, e, {"alias", "children"}, "operator"));
      for (const auto& ch : member(e, "children")) operands.push_back(&ch);
    } else if (cls == "COMPARISON") {
      static const std::set<std::string_view> allowed = {
          "COMPARE_EQUAL",         "COMPARE_NOTEQUAL",          "COMPARE_LESSTHAN",
          "COMPARE_GREATERTHAN",   "COMPARE_LESSTHANOREQUALTO", "COMPARE_GREATERTHANOREQUALTO",
          "COMPARE_DISTINCT_FROM", "COMPARE_NOT_DISTINCT_FROM"};
      if (!allowed.count(type))
        return sql_.error(e, "unsupported comparison (" + std::string(type) + ")");
      CR_TRY(expect_only(sql_, e, {"alias", "left", "right"}, "comparison"));
      operands = {&member(e, "left"), &member(e, "right")};
    } else if (cls == "CONJUNCTION") {
      if (type != "CONJUNCTION_AND" && type != "CONJUNCTION_OR")
        return sql_.error(e, "unsupported logical operator");
      CR_TRY(expect_only(sql_, e, {"alias", "children"}, "AND/OR"));
      for (const auto& ch : member(e, "children")) operands.push_back(&ch);
    } else if (cls == "BETWEEN") {
      CR_TRY(expect_only(sql_, e, {"alias", "input", "lower", "upper"}, "BETWEEN"));
      operands = {&member(e, "input"), &member(e, "lower"), &member(e, "upper")};
    } else if (cls == "CASE") {
      CR_TRY(expect_only(sql_, e, {"alias", "case_checks", "else_expr"}, "CASE"));
      for (const auto& check : member(e, "case_checks")) {
        CR_TRY(expect_only(sql_, check, {"when_expr", "then_expr"}, "CASE"));
        operands.push_back(&member(check, "when_expr"));
        operands.push_back(&member(check, "then_expr"));
      }
      operands.push_back(&member(e, "else_expr"));
    } else {  // CAST
      CR_TRY(expect_only(sql_, e, {"alias", "child", "cast_type", "try_cast"}, "CAST"));
      operands = {&member(e, "child")};
    }
    Lineage out;
    std::vector<Lineage> lineages;
    ExprContext oc = child_of(c, e);
    for (const json* o : operands) {
      if (o->is_null()) return sql_.error(e, "malformed expression");
      CR_ASSIGN(Lineage l, expr(*o, scope, oc));
      out.merge(l);
      lineages.push_back(std::move(l));
    }
    OperationUse use{e, cls, type, lineages, c};
    for (auto* r : rules_) CR_TRY(r->on_operation(use));
    return out;
  }

  Result<Lineage> subquery(const json& e, Scope& scope, const ExprContext& c) {
    if (!features_.subqueries)
      return sql_.error(e, "subqueries are not allowed by " + features_.rule);
    CR_TRY(expect_only(sql_, e, {"alias", "subquery", "subquery_type", "child", "comparison_type"},
                       "subquery"));
    std::string_view kind = str(e, "subquery_type");
    if (kind != "SCALAR" && kind != "EXISTS" && kind != "NOT_EXISTS" && kind != "ANY")
      return sql_.error(e, "unsupported subquery (" + std::string(kind) + ")");
    const json& sub = member(e, "subquery");
    CR_TRY(expect_only(sql_, sub, {"node"}, "subquery"));
    // Everything the subquery names shapes its answer: its lineage is all of it.
    std::set<ColumnKey> named;
    collectors_.push_back(&named);
    auto body = query_node(member(sub, "node"), scope.env, &scope, false, false);
    collectors_.pop_back();
    if (!body.ok()) return body.error();
    Lineage out;
    for (const auto& col : body->columns) {
      out.values.insert(col.lineage.values.begin(), col.lineage.values.end());
      out.literal = out.literal || col.lineage.literal;
    }
    out.derived = named;
    out.values.insert(named.begin(), named.end());
    for (auto* set : collectors_) set->insert(named.begin(), named.end());
    std::vector<Lineage> lineages{out};
    const json& child = member(e, "child");
    if (!child.is_null()) {
      CR_ASSIGN(Lineage l, expr(child, scope, child_of(c, e)));
      out.merge(l);
      lineages.push_back(std::move(l));
    }
    OperationUse use{e, "SUBQUERY", kind, lineages, c};
    for (auto* r : rules_) CR_TRY(r->on_operation(use));
    return out;
  }

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

}  // namespace

Result<WalkedQuery> walk_query(const SqlText& sql, const json& statement, const QueryContext& ctx,
                               const SqlFeatures& features, const std::vector<QueryRules*>& rules) {
  Walker w(sql, ctx, features, rules);
  return w.run(statement);
}

}  // namespace cleanroom::policy
