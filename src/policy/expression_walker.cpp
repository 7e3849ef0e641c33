// Expressions and names: what each name means where it is used (as DuckDB binds it), the lineage
// of every value, and the uses shown to the rules.
#include <algorithm>
#include <set>

#include "policy/query_walker_impl.h"

namespace cleanroom::policy::walk {

ExprContext Walker::context(Clause c, bool output) const {
  ExprContext ctx;
  ctx.clause = c;
  ctx.output = output;
  return ctx;
}

ExprContext Walker::child_of(const ExprContext& c, const json& parent) {
  ExprContext out = c;
  out.parent = &parent;
  out.item_root = false;
  return out;
}

Result<Lineage> Walker::expr(const json& e, Scope& scope, const ExprContext& c) {
  if (++depth_ > kMaxDepth) return invalid_query("the query is nested too deeply");
  auto out = expr_at_depth(e, scope, c);
  --depth_;
  return out;
}

Result<Lineage> Walker::expr_at_depth(const json& e, Scope& scope, const ExprContext& c) {
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

std::vector<Binding> Walker::bindings(const json& ref, const Scope& scope, Clause clause,
                                      std::string* problem) const {
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
  // In the SELECT list and WHERE, DuckDB binds a column of the FROM clause before an alias of
  // the same name (SUM(impressions) AS impressions, SUM(cost) / SUM(impressions)).
  bool column_first = clause == Clause::Select || clause == Clause::Where ||
                      clause == Clause::AggregateFilter || clause == Clause::AggregateOrder;
  if (scope.items && clause != Clause::JoinOn && !(column_first && !out.empty())) {
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

Result<Lineage> Walker::column_ref(const json& e, Scope& scope, const ExprContext& c) {
  CR_TRY(expect_only(sql_, e, {"alias", "column_names"}, "column"));
  for (const auto& n : member(e, "column_names"))
    if (n.is_string() && is_reserved_name(n.get_ref<const std::string&>()))
      return sql_.error(e, "names starting with " + std::string(kReservedPrefix) + " are reserved");
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

Result<Lineage> Walker::value_function(const json& e, const std::string& name,
                                       const ExprContext& c) {
  const FunctionInfo* info = find_function(name);
  if (!info) return sql_.error(e, "function " + name + " is not allowed");
  std::vector<Lineage> none;
  CallUse use{e, name, *info, false, false, none, c};
  for (auto* r : rules_) CR_TRY(r->on_call(use));
  return Lineage{};
}

Status Walker::check_function_name(const json& e) {
  std::string_view schema = str(e, "schema");
  std::string_view catalog = str(e, "catalog");
  if ((!schema.empty() && !same_name(schema, "main")) || !catalog.empty())
    return sql_.error(e, "qualified function names are not allowed");
  return {};
}

namespace {

// Integers and floating point compare without a cast that can fail (the narrower side widens).
bool plain_number(std::string_view t) {
  for (std::string_view n : {"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "UTINYINT", "USMALLINT",
                             "UINTEGER", "UBIGINT", "FLOAT", "DOUBLE"})
    if (t == n) return true;
  return false;
}

bool compatible(std::string_view a, std::string_view b) {
  return a == b || (plain_number(a) && plain_number(b));
}

// Whether a scalar call answers an INTERVAL, as far as the walk can tell: the to_* constructors,
// age(), a difference of two timestamps or times, and arithmetic with an interval.
bool yields_interval(const std::string& name, const std::vector<Lineage>& args) {
  if (name.rfind("to_", 0) == 0 && name != "to_timestamp") return true;  // to_days, to_months...
  if (name == "age") return true;
  bool any = false, moments = !args.empty();
  for (const auto& a : args) {
    any = any || a.type == "INTERVAL";
    moments = moments && (a.type.rfind("TIMESTAMP", 0) == 0 || a.type == "TIME");
  }
  if ((name == "+" || name == "-" || name == "*" || name == "/") && any) return true;
  return name == "-" && args.size() == 2 && moments;
}

// The type a scalar call answers, as far as comparisons need it: text, a plain number, an
// interval; "" when the walk cannot tell. A join on such a computed key then stays a hash join.
std::string result_type(const std::string& name, const std::vector<Lineage>& args) {
  if (yields_interval(name, args)) return "INTERVAL";
  static const std::set<std::string> text = {
      "lower",     "upper",     "lcase",          "ucase",
      "trim",      "ltrim",     "rtrim",          "concat",
      "concat_ws", "substring", "substr",         "left",
      "right",     "replace",   "reverse",        "lpad",
      "rpad",      "||",        "split_part",     "strip_accents",
      "translate", "md5",       "sha256",         "monthname",
      "dayname",   "strftime",  "regexp_replace", "regexp_extract",
      "chr",       "repeat",    "format",         "printf"};
  if (text.count(name)) return "VARCHAR";
  static const std::set<std::string> arithmetic = {"+", "-", "*", "/", "//", "%", "abs"};
  bool numbers = !args.empty() && std::all_of(args.begin(), args.end(), [](const Lineage& a) {
    return a.literal ? a.derived.empty() : plain_number(a.type);
  });
  if (arithmetic.count(name) && numbers) return "DOUBLE";  // some plain number; which one no matter
  return "";
}

}  // namespace

Result<Lineage> Walker::function(const json& e, Scope& scope, const ExprContext& c) {
  CR_TRY(expect_only(sql_, e,
                     {"alias", "function_name", "schema", "catalog", "children", "filter",
                      "order_bys", "distinct", "is_operator"},
                     "function call"));
  std::string name = lower(str(e, "function_name"));
  CR_TRY(check_function_name(e));
  const FunctionInfo* info = find_function(name);
  if (!info) return sql_.error(e, "function " + name + " is not allowed");
  if (info->kind == FunctionKind::Window)
    return sql_.error(e, name + " is a window function and needs OVER (...)");
  bool aggregate = info->kind == FunctionKind::Aggregate;
  bool distinct = member(e, "distinct") == true;
  if (distinct && !aggregate) return sql_.error(e, "DISTINCT applies to aggregate functions only");
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
    // An interval's months and days are 32-bit: averaging many large intervals overflows inside
    // the aggregate, where TRY cannot reach, so whether the query fails would depend on rows.
    bool interval = std::any_of(args.begin(), args.end(),
                                [](const Lineage& a) { return a.type == "INTERVAL"; });
    if (interval && !info->counts && !info->picks_value)
      return sql_.error(e, name +
                               " over intervals is not supported: it can overflow on some "
                               "rows; aggregate a number of seconds or days instead "
                               "(date_diff)");
  } else {
    out.type = result_type(name, args);
  }
  CallUse use{e, name, *info, distinct, false, args, c};
  for (auto* r : rules_) CR_TRY(r->on_call(use));
  return out;
}

Result<Lineage> Walker::window(const json& e, Scope& scope, const ExprContext& c) {
  if (!features_.windows)
    return sql_.error(e, "window functions are not allowed by " + features_.rule);
  CR_TRY(expect_only(
      sql_, e,
      {"alias", "function_name", "schema", "catalog", "children", "partitions", "orders", "start",
       "end", "start_expr", "end_expr", "offset_expr", "default_expr", "ignore_nulls",
       "filter_expr", "exclude_clause", "distinct", "arg_orders"},
      "window function"));
  std::string name = lower(str(e, "function_name"));
  CR_TRY(check_function_name(e));
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
  // PARTITION BY and ORDER BY choose the rows a window reads, their values do not flow into it:
  // ROW_NUMBER() OVER (PARTITION BY user_id ...) answers a rank, not a user.
  auto spec = [&](const json& x) -> Result<Lineage> {
    if (x.is_null()) return Lineage{};
    CR_ASSIGN(Lineage l, expr(x, scope, sc));
    out.derived.insert(l.derived.begin(), l.derived.end());
    out.literal = out.literal || l.literal;
    return l;
  };
  WindowUse use_of_window{&e, {}};
  for (const auto& p : member(e, "partitions")) {
    CR_ASSIGN(Lineage l, spec(p));
    if (l.pure) use_of_window.partition_counts.insert(l.counts.begin(), l.counts.end());
  }
  scope.windows.push_back(std::move(use_of_window));
  for (const char* list : {"orders", "arg_orders"})
    for (const auto& o : member(e, list)) {
      CR_TRY(expect_only(sql_, o, {"null_order", "expression"}, "ORDER BY"));
      CR_TRY(status_of(spec(member(o, "expression"))));
    }
  for (const char* k : {"start_expr", "end_expr", "offset_expr", "filter_expr"})
    CR_TRY(status_of(spec(member(e, k))));
  const json& fallback = member(e, "default_expr");  // LAG(x, 1, fallback) may answer it
  if (!fallback.is_null()) {
    CR_ASSIGN(Lineage l, expr(fallback, scope, ac));
    out.merge(l);
    args.push_back(std::move(l));
  }
  out.window = true;
  out.aggregate = false;
  CallUse use{e, name, *info, member(e, "distinct") == true, true, args, c};
  for (auto* r : rules_) CR_TRY(r->on_call(use));
  return out;
}

Result<Lineage> Walker::operation(const json& e, Scope& scope, const ExprContext& c) {
  std::string_view cls = node_class(e);
  std::string_view type = node_type(e);
  std::vector<const json*> operands;
  if (cls == "OPERATOR") {
    static const std::set<std::string_view> allowed = {"OPERATOR_NOT",         "OPERATOR_IS_NULL",
                                                       "OPERATOR_IS_NOT_NULL", "COMPARE_IN",
                                                       "COMPARE_NOT_IN",       "OPERATOR_COALESCE"};
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
  // A CASE's WHEN conditions choose its answer without flowing into it: CASE WHEN request_tag IS
  // NOT NULL THEN 1 ELSE 0 END answers 0 or 1, never a tag.
  // Nor does IS [NOT] NULL answer its operand: it answers whether there is one.
  std::set<const json*> conditions;
  if (cls == "CASE")
    for (const auto& check : member(e, "case_checks"))
      conditions.insert(&member(check, "when_expr"));
  if (type == "OPERATOR_IS_NULL" || type == "OPERATOR_IS_NOT_NULL")
    for (const json* o : operands) conditions.insert(o);
  for (const json* o : operands) {
    if (o->is_null()) return sql_.error(e, "malformed expression");
    CR_ASSIGN(Lineage l, expr(*o, scope, oc));
    if (conditions.count(o)) {
      out.derived.insert(l.derived.begin(), l.derived.end());
      out.aggregate = out.aggregate || l.aggregate;
      out.window = out.window || l.window;
      out.pure = false;
      out.type.clear();
      out.counts.clear();
    } else {
      out.merge(l);
    }
    lineages.push_back(std::move(l));
  }
  // COALESCE(a.user_id, b.user_id) after a FULL JOIN on them answers one of the two ids unchanged:
  // it identifies the person of either side (how AMC measures overlap across ad products). Only
  // when that JOIN equated them: after a FULL JOIN on anything else a row's COALESCE is one
  // side's person, and counting it would lend one side's people to the other's values.
  auto equated_by_full_join = [&] {
    for (const auto& a : lineages)
      for (const auto& b : lineages)
        if (&a != &b && !std::includes(a.full_joined.begin(), a.full_joined.end(), b.counts.begin(),
                                       b.counts.end()))
          return false;
    return true;
  };
  if (type == "OPERATOR_COALESCE" && !lineages.empty() &&
      std::all_of(lineages.begin(), lineages.end(),
                  [](const Lineage& l) { return l.pure && !l.counts.empty(); }) &&
      equated_by_full_join()) {
    out.pure = true;
    out.merged_sides = true;
    out.type = lineages[0].type;
    for (const auto& l : lineages) {
      out.counts.insert(l.counts.begin(), l.counts.end());
      if (l.type != out.type) out.type.clear();
    }
  }
  if (cls == "COMPARISON" || cls == "BETWEEN" || type == "COMPARE_IN" || type == "COMPARE_NOT_IN")
    CR_TRY(compared_types(e, operands, lineages));
  // A CAST's value has the type it names (a plain type: no width or other parameters).
  const json& cast_type = member(e, "cast_type");
  if (cls == "CAST" && member(cast_type, "type_info").is_null())
    out.type = std::string(str(cast_type, "id"));
  OperationUse use{e, cls, type, lineages, c};
  for (auto* r : rules_) CR_TRY(r->on_operation(use));
  return out;
}

Status Walker::compared_types(const json& e, const std::vector<const json*>& operands,
                              const std::vector<Lineage>& lineages) {
  std::string column_type;
  bool safe = true;
  for (size_t i = 0; i < operands.size(); ++i) {
    const Lineage& l = lineages[i];
    if (l.derived.empty() && !l.aggregate && !l.window) continue;  // a literal: checked below
    const std::string& t = l.type;
    if (t.empty()) {
      safe = false;
      continue;
    }
    if (!column_type.empty() && !compatible(column_type, t))
      return sql_.error(e, "columns of types " + column_type + " and " + t +
                               " are compared; values of different types are never converted "
                               "implicitly across tables: CAST your own column to the other's "
                               "type");
    if (column_type.empty()) column_type = t;
  }
  if (column_type.empty()) safe = false;
  // A text column compared with anything but a text literal is cast to the other's type row by
  // row, which fails on values that do not convert; other literals convert when the query binds.
  for (size_t i = 0; i < operands.size() && safe; ++i) {
    const Lineage& l = lineages[i];
    if (!l.derived.empty() || l.aggregate || l.window) continue;
    const json& o = *operands[i];
    bool text = node_class(o) == "CONSTANT" &&
                str(member(member(o, "value"), "type"), "id") == std::string_view("VARCHAR");
    if (column_type == "VARCHAR" && !text) safe = false;
  }
  if (safe)
    if (auto at = location(e)) result_.safe_comparisons.insert(*at);
  return {};
}

Result<Lineage> Walker::subquery(const json& e, Scope& scope, const ExprContext& c) {
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
  // Its value is its output column's; everything it names shapes that value.
  Lineage out;
  for (const auto& col : body->columns) {
    out.values.insert(col.lineage.values.begin(), col.lineage.values.end());
    out.literal = out.literal || col.lineage.literal;
  }
  out.derived = named;
  for (auto* set : collectors_) set->insert(named.begin(), named.end());
  std::vector<Lineage> lineages{out};
  const json& child = member(e, "child");
  if (!child.is_null()) {
    CR_ASSIGN(Lineage l, expr(child, scope, child_of(c, e)));
    out.merge(l);
    lineages.push_back(std::move(l));
  }
  OperationUse use{e, "SUBQUERY", kind, lineages, c};
  use.subquery_people = body->people;
  if (body->columns.size() == 1) use.subquery_column = &body->columns[0].lineage;
  use.instances = &result_.instances;
  for (auto* r : rules_) CR_TRY(r->on_operation(use));
  return out;
}

}  // namespace cleanroom::policy::walk
