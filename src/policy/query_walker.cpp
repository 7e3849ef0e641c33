#include "policy/query_walker.h"

#include <algorithm>
#include <utility>

#include "policy/query_rules.h"
#include "policy/query_walker_impl.h"

namespace cleanroom::policy {

void Lineage::merge(const Lineage& o) {
  derived.insert(o.derived.begin(), o.derived.end());
  values.insert(o.values.begin(), o.values.end());
  literal = literal || o.literal;
  aggregate = aggregate || o.aggregate;
  window = window || o.window;
  pure = false;
  type.clear();
  counts.clear();
  full_joined.clear();
  merged_sides = false;
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

namespace walk {

Result<QueryOutput> Walker::query_node(const json& node, const CteEnv* env, const Scope* outer,
                                       bool output, bool outermost) {
  if (++depth_ > kMaxDepth) return invalid_query("the query is nested too deeply");
  auto out = query_node_at_depth(node, env, outer, output, outermost);
  --depth_;
  return out;
}

Result<QueryOutput> Walker::query_node_at_depth(const json& node, const CteEnv* env,
                                                const Scope* outer, bool output, bool outermost) {
  std::string_view type = node_type(node);
  if (is_values_node(node)) return values_node(node);
  if (type == "SELECT_NODE") return select_node(node, env, outer, output, outermost);
  if (type == "SET_OPERATION_NODE") return set_operation(node, env, outer, output, outermost);
  if (type == "CTE_NODE")
    return invalid_query("MATERIALIZED common table expressions are not supported");
  if (type == "RECURSIVE_CTE_NODE")
    return invalid_query("recursive common table expressions (WITH RECURSIVE) are not allowed");
  return invalid_query("unsupported query (" + std::string(type) + ")");
}

Result<QueryOutput> Walker::select_node(const json& node, const CteEnv* env, const Scope* outer,
                                        bool output, bool outermost) {
  CR_TRY(expect_only(sql_, node,
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
  forget_merged_people_beside_values(out.columns);

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
  use.aggregates =
      !groups.empty() || !member(node, "having").is_null() ||
      std::any_of(lineages.begin(), lineages.end(), [](const Lineage& l) { return l.aggregate; });
  for (const auto& r : scope.relations) use.from_people.insert(r.people.begin(), r.people.end());
  // A group key that identifies a person keeps that person's rows apart: the groups are still
  // single people's rows. Every other person is aggregated here, many into one row.
  std::set<int> keys;
  for (const auto& g : groups) {
    CR_ASSIGN(Lineage l, ordering_expr(g, scope, context(Clause::GroupBy, output), &items));
    if (l.pure) keys.insert(l.counts.begin(), l.counts.end());
  }
  for (int p : use.from_people)
    (use.aggregates && !keys.count(p) ? use.aggregated : use.people).insert(p);
  use.windows = scope.windows;
  use.instances = &result_.instances;
  out.people = use.people;
  for (auto* r : rules_) CR_TRY(r->on_select(use));
  if (outermost) {
    result_.outermost_is_select = true;
    result_.outermost_from = scope.relations;
    result_.output = lineages;
  }
  return out;
}

Result<QueryOutput> Walker::set_operation(const json& node, const CteEnv* env, const Scope* outer,
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
    const Lineage& r = right.columns[i].lineage;
    bool pure = l.pure && r.pure;
    std::string type = l.type == r.type ? l.type : "";
    // A row of either side identifies its side's person, only if both sides' values do.
    std::set<int> counts;
    if (pure && !l.counts.empty() && !r.counts.empty()) {
      counts = l.counts;
      counts.insert(r.counts.begin(), r.counts.end());
    }
    l.merge(r);
    l.pure = pure;
    l.type = type;
    l.counts = std::move(counts);
  }
  out.people.insert(right.people.begin(), right.people.end());
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

Result<QueryOutput> Walker::values_node(const json& node) {
  const json& list = member(node, "from_table");
  if (!features_.values)
    return sql_.error(list, "VALUES lists are not allowed by " + features_.rule);
  CR_TRY(
      expect_only(sql_, list, {"alias", "values", "expected_names", "expected_types"}, "VALUES"));
  const json& rows = member(list, "values");
  if (!rows.is_array() || rows.empty() || !rows[0].is_array())
    return invalid_query("malformed VALUES list");
  QueryOutput out;
  Scope none;
  for (const auto& row : rows) {
    if (!row.is_array() || row.size() != rows[0].size())
      return sql_.error(list, "the rows of a VALUES list have different numbers of columns");
    for (size_t i = 0; i < row.size(); ++i) {
      CR_ASSIGN(Lineage l, expr(row[i], none, context(Clause::Select, false)));
      if (out.columns.size() <= i) {
        out.columns.push_back({"col" + std::to_string(i), l});
      } else {
        out.columns[i].lineage.merge(l);
      }
      // Values written in the query: literals, whatever expression computes them.
      out.columns[i].lineage.literal = true;
    }
  }
  return out;
}

Result<const CteEnv*> Walker::ctes(const json& cte_map, const CteEnv* env) {
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
      return invalid_query("names starting with " + std::string(kReservedPrefix) + " are reserved");
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
    r.people = std::move(body.people);
    CR_TRY(rename(r, member(value, "aliases")));
    fresh->ctes.push_back(std::move(r));
  }
  envs_.push_back(std::move(fresh));
  return envs_.back().get();
}

Status Walker::rename(Relation& r, const json& aliases) {
  if (!aliases.is_array()) return {};
  if (aliases.size() > r.columns.size())
    return invalid_query("more column aliases than columns for '" + r.name + "'");
  for (size_t i = 0; i < aliases.size(); ++i) {
    if (!aliases[i].is_string()) return invalid_query("malformed column alias");
    r.columns[i].name = aliases[i].get<std::string>();
    if (is_reserved_name(r.columns[i].name))
      return invalid_query("names starting with " + std::string(kReservedPrefix) + " are reserved");
  }
  return {};
}

Status Walker::check_group_sets(const json& node, size_t groups, const json& first) {
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

Status Walker::modifiers(const json& mods, Scope& scope, bool output, const json* items,
                         bool* distinct) {
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
        if (!features_.order_by_outside_windows)
          return sql_.error(e, "ORDER BY is allowed only inside window functions (OVER (...)) by " +
                                   features_.rule + ": sort the delivered result instead");
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

Result<Lineage> Walker::ordering_expr(const json& e, Scope& scope, const ExprContext& c,
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

Status Walker::from_clause(const json& ref, Scope& scope, bool output, bool outermost) {
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

Status Walker::add_relation(Scope& scope, Relation r, const json& ref) {
  if (is_reserved_name(r.name))
    return sql_.error(ref, "names starting with " + std::string(kReservedPrefix) + " are reserved");
  for (const auto& other : scope.relations)
    if (!r.name.empty() && same_name(other.name, r.name))
      return sql_.error(
          ref, "the table name or alias '" + r.name + "' is used twice in one FROM clause");
  scope.relations.push_back(std::move(r));
  return {};
}

Status Walker::base_table(const json& ref, Scope& scope, bool outermost) {
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
    r.people.insert(r.instance);
    for (const auto& c : t.columns) {
      RelationColumn rc{c, {}};
      rc.lineage.derived.insert({r.table, c});
      rc.lineage.values.insert({r.table, c});
      rc.lineage.pure = true;
      for (const auto& [name, type] : t.column_types)
        if (same_name(name, c)) rc.lineage.type = type;
      if (is_user_identity(ctx_, {r.table, c})) rc.lineage.counts.insert(r.instance);
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

Status Walker::derived_table(const json& ref, Scope& scope) {
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
  r.people = std::move(body.people);
  r.node = &ref;
  CR_TRY(rename(r, member(ref, "column_name_alias")));
  return add_relation(scope, std::move(r), ref);
}

Status Walker::join(const json& ref, Scope& scope, bool output, bool outermost) {
  if (!str(ref, "alias").empty()) return sql_.error(ref, "an alias on a JOIN is not supported");
  const json& using_columns = member(ref, "using_columns");
  if (using_columns.is_array() && !using_columns.empty())
    return sql_.error(ref, "JOIN ... USING is not supported: write ON a.x = b.x");
  CR_TRY(expect_only(sql_, ref, {"left", "right", "condition", "join_type", "ref_type"}, "JOIN"));
  std::string_view join_type = str(ref, "join_type");
  std::string_view ref_type = str(ref, "ref_type");
  if (ref_type != "REGULAR" && ref_type != "CROSS")
    return sql_.error(ref, std::string(ref_type) + " joins are not supported");
  if (join_type == "LEFT" || join_type == "RIGHT" || join_type == "OUTER" || join_type == "FULL") {
    if (!features_.outer_joins)
      return sql_.error(ref,
                        "outer joins are not allowed by " + features_.rule + ": use [INNER] JOIN");
    if (join_type == "RIGHT" && !features_.right_joins)
      return sql_.error(ref, "RIGHT JOIN is not allowed by " + features_.rule +
                                 ": swap the tables and use LEFT JOIN");
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
  size_t left_end = scope.relations.size();
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
    // Only the outermost FROM's: a subquery's relation names may repeat outer ones. Only equal
    // exact types: then equal means identical, and both columns count the same distinct values.
    std::string left = member(*eq.node, "left")["column_names"].back().get<std::string>();
    std::string right = member(*eq.node, "right")["column_names"].back().get<std::string>();
    if (outermost && join_type == "INNER" && use.only_column_equalities &&
        !use.logical_operators.count("OR") && exact_same_type(*eq.left, left, *eq.right, right))
      result_.equated_columns.push_back({{eq.left->name, left}, {eq.right->name, right}});
  }
  for (auto* r : rules_) CR_TRY(r->on_join(use));
  share_counts(use, scope, left_end);
  return {};
}

// COALESCE(a.user_id, b.user_id) after a FULL JOIN on them counts the people of both sides. A
// value of one side passed on beside it (b.purchases) would then be counted with the other
// side's people: a group of one person of b and many of a would pass. So a merged id passed on
// beside any value of the merged tables identifies nobody: the query must keep each side's id.
void Walker::forget_merged_people_beside_values(std::vector<RelationColumn>& columns) const {
  for (auto& merged : columns) {
    if (!merged.lineage.merged_sides) continue;
    std::set<int> tables;
    for (int o : merged.lineage.counts) tables.insert(result_.instances[o].table);
    for (const auto& other : columns) {
      if (&other == &merged) continue;
      const bool rides = std::any_of(other.lineage.values.begin(), other.lineage.values.end(),
                                     [&](const ColumnKey& k) { return tables.count(k.table) > 0; });
      if (rides) {
        merged.lineage.counts.clear();
        merged.lineage.merged_sides = false;
        break;
      }
    }
  }
}

void Walker::share_counts(const JoinUse& use, Scope& scope, size_t left_end) {
  bool inner = use.join_type == "INNER";
  bool full = use.join_type == "FULL" || use.join_type == "OUTER";
  if (!use.condition || (!inner && !full && use.join_type != "LEFT")) return;
  // The equalities of two columns that hold on every joined row: the condition's AND-conjuncts.
  std::vector<const json*> conjuncts = {use.condition};
  for (size_t i = 0; i < conjuncts.size(); ++i)
    if (node_type(*conjuncts[i]) == "CONJUNCTION_AND")
      for (const auto& child : member(*conjuncts[i], "children")) conjuncts.push_back(&child);
  for (const json* e : conjuncts) {
    if (node_type(*e) != "COMPARE_EQUAL" || node_class(member(*e, "left")) != "COLUMN_REF" ||
        node_class(member(*e, "right")) != "COLUMN_REF")
      continue;
    auto side = [&](const char* k) -> std::pair<size_t, RelationColumn*> {
      auto found = bindings(member(*e, k), scope, Clause::JoinOn);
      if (found.size() != 1 || !found[0].relation) return {SIZE_MAX, nullptr};
      size_t rel = static_cast<size_t>(found[0].relation - scope.relations.data());
      if (rel >= scope.relations.size()) return {SIZE_MAX, nullptr};
      for (auto& c : scope.relations[rel].columns)
        if (&c == found[0].column) return {rel, &c};
      return {SIZE_MAX, nullptr};
    };
    auto [li, l] = side("left");
    auto [ri, r] = side("right");
    if (!l || !r || (li < left_end) == (ri < left_end)) continue;  // one side: pairs no rows
    if (l->lineage.counts.empty() || r->lineage.counts.empty()) continue;
    // Either side may be missing: neither counts the other's people. (The identity rules have
    // already refused ids of different kinds being compared.)
    if (full) {
      l->lineage.full_joined.insert(r->lineage.counts.begin(), r->lineage.counts.end());
      r->lineage.full_joined.insert(l->lineage.counts.begin(), l->lineage.counts.end());
      continue;
    }
    if (!exact_same_type(scope.relations[li], l->name, scope.relations[ri], r->name)) continue;
    std::set<int> both = l->lineage.counts;
    both.insert(r->lineage.counts.begin(), r->lineage.counts.end());
    // On the preserved side of a LEFT JOIN a row of the other side is present only with the same
    // person; the other side's column may be NULL, so it counts only its own.
    RelationColumn* preserved = li < left_end ? l : r;
    RelationColumn* optional = li < left_end ? r : l;
    preserved->lineage.counts = both;
    if (inner) optional->lineage.counts = both;
  }
}

bool Walker::exact_same_type(const Relation& a, const std::string& ca, const Relation& b,
                             const std::string& cb) const {
  auto type = [](const Relation& r, const std::string& c) -> std::string {
    for (const auto& col : r.columns)
      if (same_name(col.name, c)) return col.lineage.type;
    return "";
  };
  std::string ta = type(a, ca), tb = type(b, cb);
  // Floating point is not exact: 0.0 = -0.0 are equal but distinct values.
  return !ta.empty() && ta == tb && ta != "FLOAT" && ta != "DOUBLE" && ta != "REAL";
}

void Walker::join_shape(const json& e, const Scope& scope, JoinUse& use) {
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

}  // namespace walk

Result<WalkedQuery> walk_query(const SqlText& sql, const json& statement, const QueryContext& ctx,
                               const SqlFeatures& features, const std::vector<QueryRules*>& rules) {
  walk::Walker w(sql, ctx, features, rules);
  return w.run(statement);
}

}  // namespace cleanroom::policy
