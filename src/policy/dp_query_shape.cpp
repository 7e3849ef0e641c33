// Which WITHs, subqueries and joins differential privacy admits (dp_query_shape.h): the
// relations of each FROM clause, whose rows must stay user-level records.
#include "policy/dp_query_shape.h"

#include <memory>
#include <set>

#include "policy/dp_query_shape_impl.h"
#include "policy/sql_functions.h"

namespace cleanroom::policy {

const std::string* dp_person_column(const QueryTable& t) {
  if (!t.rule || t.rule->type() != AnalysisRuleType::Custom) return nullptr;
  const std::string& c = std::get<CustomRule>(t.rule->body).differential_privacy_column;
  return c.empty() ? nullptr : &c;
}

namespace dp_shape {

bool integer_type(std::string_view t) {
  for (std::string_view n :
       {"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT"})
    if (t == n) return true;
  return false;
}

bool same_expr(const json& a, const json& b) {
  if (a.type() != b.type()) return false;
  if (a.is_object()) {
    for (const auto& [k, v] : a.items()) {
      if (k == "query_location" || k == "alias") continue;
      if (!b.contains(k) || !same_expr(v, b[k])) return false;
    }
    for (const auto& [k, v] : b.items()) {
      if (k == "query_location" || k == "alias") continue;
      if (!a.contains(k)) return false;
    }
    return true;
  }
  if (a.is_array()) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i)
      if (!same_expr(a[i], b[i])) return false;
    return true;
  }
  return a == b;
}

bool is_aggregate_call(const json& e) {
  if (node_class(e) != "FUNCTION") return false;
  const FunctionInfo* info = find_function(lower(str(e, "function_name")));
  return info && info->kind == FunctionKind::Aggregate;
}

std::optional<ColumnAt> resolve(const json& ref, const std::vector<Rel>& rels, size_t begin,
                                size_t end) {
  if (node_class(ref) != "COLUMN_REF") return std::nullopt;
  const json& names = member(ref, "column_names");
  if (!names.is_array() || names.empty() || names.size() > 2) return std::nullopt;
  for (const auto& n : names)
    if (!n.is_string()) return std::nullopt;
  const std::string column = names.back().get<std::string>();
  std::optional<ColumnAt> found;
  int matches = 0;
  for (size_t r = begin; r < end; ++r) {
    if (names.size() == 2 && !same_name(rels[r].name, names[0].get<std::string>())) continue;
    for (size_t c = 0; c < rels[r].columns.size(); ++c)
      if (same_name(rels[r].columns[c], column)) {
        found = ColumnAt{r, c};
        ++matches;
      }
    if (names.size() == 2 && matches > 0) break;  // the first relation of that name
  }
  if (matches != 1) return std::nullopt;
  return found;
}

bool same_column(const json& a, const json& b, const std::vector<Rel>& rels) {
  auto x = resolve(a, rels, 0, rels.size());
  auto y = resolve(b, rels, 0, rels.size());
  return x && y && x->rel == y->rel && x->column == y->column;
}

bool is_person(const std::vector<Rel>& rels, const ColumnAt& at) {
  return rels[at.rel].person == static_cast<int>(at.column);
}

const Rel* first_person(const std::vector<Rel>& rels) {
  for (const auto& r : rels)
    if (r.person >= 0) return &r;
  return nullptr;
}

Status row_expression(const SqlText& sql, const json& e, const std::vector<Rel>& rels,
                      const char* where) {
  Status status;
  each_expression(e, [&](const json& n) {
    if (!status.ok() || node_class(n) != "COLUMN_REF") return;
    if (resolve(n, rels, 0, rels.size())) return;
    const json& names = member(n, "column_names");
    if (names.size() == 1 && names[0].is_string() &&
        is_sql_value_function(lower(names[0].get<std::string>())))
      return;
    status = sql.error(n, std::string(where) +
                              " of a differentially private query may name only columns of "
                              "its FROM clause, not aliases of its SELECT list");
  });
  return status;
}

namespace {

struct Env {
  std::vector<Rel> ctes;
  const Env* outer = nullptr;
  const Rel* find(std::string_view name) const {
    for (const Env* e = this; e; e = e->outer)
      for (auto it = e->ctes.rbegin(); it != e->ctes.rend(); ++it)
        if (same_name(it->name, name)) return &*it;
    return nullptr;
  }
};

class Shaper {
 public:
  Shaper(const SqlText& sql, const QueryContext& ctx) : sql_(sql), ctx_(ctx) {}

  Result<DpShape> run(const json& statement) {
    const json& node = member(statement, "node");
    if (node_type(node) != "SELECT_NODE")
      return invalid_query(
          "a query of tables protected by differential privacy ends in one SELECT that "
          "aggregates (no UNION, INTERSECT or EXCEPT at the outermost level)");
    const json* subquery = nullptr;
    each_expression(node, [&](const json& e) {
      if (!subquery && node_class(e) == "SUBQUERY") subquery = &e;
    });
    if (subquery)
      return sql_.error(*subquery,
                        "subqueries in expressions (scalar, IN, EXISTS) are not supported with "
                        "differential privacy: their answer could carry other people's rows into "
                        "a person's row; join a WITH instead");
    CR_ASSIGN(const Env* env, ctes(member(node, "cte_map"), root_));
    std::vector<Rel> rels;
    CR_TRY(from(member(node, "from_table"), *env, rels));
    CR_TRY(one_owner());
    return final_select(sql_, node, rels);
  }

 private:
  // ---- relations --------------------------------------------------------------------------

  Result<const Env*> ctes(const json& cte_map, const Env& outer) {
    const json& entries = member(cte_map, "map");
    if (!entries.is_array() || entries.empty()) return &outer;
    envs_.push_back(std::make_unique<Env>());
    Env* env = envs_.back().get();
    env->outer = &outer;
    for (const auto& entry : entries) {
      std::string name(str(entry, "key"));
      const json& value = member(entry, "value");
      CR_ASSIGN(Rel r, query(member(member(value, "query"), "node"), *env, "WITH " + name));
      r.name = name;
      r.what = "WITH " + name;
      rename(r, member(value, "aliases"));
      env->ctes.push_back(std::move(r));
    }
    return env;
  }

  static void rename(Rel& r, const json& aliases) {
    if (!aliases.is_array()) return;
    for (size_t i = 0; i < aliases.size() && i < r.columns.size(); ++i)
      if (aliases[i].is_string()) r.columns[i] = aliases[i].get<std::string>();
  }

  Result<Rel> query(const json& node, const Env& env, const std::string& what) {
    std::string_view type = node_type(node);
    if (type == "SELECT_NODE") return inner_select(node, env, what);
    if (type != "SET_OPERATION_NODE")
      return invalid_query("unsupported query in " + what + " with differential privacy");
    CR_ASSIGN(const Env* inner, ctes(member(node, "cte_map"), env));
    CR_ASSIGN(Rel left, query(member(node, "left"), *inner, what));
    CR_ASSIGN(Rel right, query(member(node, "right"), *inner, what));
    if (left.person < 0 && right.person < 0) return left;
    if (str(node, "setop_type") != std::string_view("UNION"))
      return invalid_query(what +
                           ": INTERSECT and EXCEPT of rows of people protected by differential "
                           "privacy are not supported: a row would depend on other people's rows");
    if (left.person != right.person)
      return invalid_query(
          what +
          ": every branch of its UNION must return user-level records of the tables protected "
          "by differential privacy, with their user identifier column at the same position");
    CR_TRY(no_limit(member(node, "modifiers"), what));
    for (size_t i = 0; i < left.types.size() && i < right.types.size(); ++i)
      if (left.types[i] != right.types[i]) left.types[i].clear();
    return left;
  }

  Status from(const json& ref, const Env& env, std::vector<Rel>& rels) {
    std::string_view type = node_type(ref);
    if (type == "BASE_TABLE") {
      std::string name(str(ref, "table_name"));
      std::string alias(str(ref, "alias"));
      if (const Rel* cte = env.find(name)) {
        Rel r = *cte;
        if (!alias.empty()) r.name = alias;
        rels.push_back(std::move(r));
        return {};
      }
      for (const auto& t : ctx_.tables) {
        if (!same_name(t.name, name)) continue;
        Rel r;
        r.name = alias.empty() ? name : alias;
        r.what = "table " + t.name;
        r.columns = t.columns;
        const std::string* person = dp_person_column(t);
        for (size_t i = 0; i < t.columns.size(); ++i) {
          std::string column_type;
          for (const auto& [c, ty] : t.column_types)
            if (same_name(c, t.columns[i])) column_type = ty;
          r.types.push_back(column_type);
          if (person && same_name(*person, t.columns[i])) r.person = static_cast<int>(i);
        }
        if (person) {
          owners_.insert(t.owner_account_id);
          person_columns_.insert(lower(*person));
          if (r.person < 0)
            return invalid_query("the user identifier column " + *person + " of table " + t.name +
                                 " is not one of its columns");
        }
        rels.push_back(std::move(r));
        return {};
      }
      return sql_.error(ref, "unknown table");
    }
    if (type == "SUBQUERY") {
      std::string alias(str(ref, "alias"));
      std::string what = alias.empty() ? "a subquery" : "subquery " + alias;
      CR_ASSIGN(Rel r, query(member(member(ref, "subquery"), "node"), env, what));
      r.name = alias;
      r.what = what;
      rename(r, member(ref, "column_name_alias"));
      rels.push_back(std::move(r));
      return {};
    }
    if (type == "JOIN") {
      size_t start = rels.size();
      CR_TRY(from(member(ref, "left"), env, rels));
      size_t mid = rels.size();
      CR_TRY(from(member(ref, "right"), env, rels));
      auto holds_people = [&](size_t a, size_t b) {
        for (size_t i = a; i < b; ++i)
          if (rels[i].person >= 0) return true;
        return false;
      };
      if (holds_people(start, mid) && holds_people(mid, rels.size()))
        CR_TRY(person_join(ref, rels, start, mid));
      return {};
    }
    return sql_.error(ref, "unsupported FROM clause with differential privacy");
  }

  // Two sides that both hold rows of protected people meet only where they are the same person:
  // an INNER JOIN whose ON condition holds, among its AND-ed terms, an equality of the two sides'
  // user identifier columns, of one exact type (a cast could make two people one).
  Status person_join(const json& ref, const std::vector<Rel>& rels, size_t start, size_t mid) {
    const json& condition = member(ref, "condition");
    bool inner = str(ref, "join_type") == std::string_view("INNER") &&
                 str(ref, "ref_type") == std::string_view("REGULAR") && !condition.is_null();
    if (inner) {
      std::vector<const json*> terms = {&condition};
      for (size_t i = 0; i < terms.size(); ++i)
        if (node_type(*terms[i]) == "CONJUNCTION_AND")
          for (const auto& c : member(*terms[i], "children")) terms.push_back(&c);
      for (const json* t : terms) {
        if (node_type(*t) != "COMPARE_EQUAL") continue;
        auto a = resolve(member(*t, "left"), rels, start, rels.size());
        auto b = resolve(member(*t, "right"), rels, start, rels.size());
        if (!a || !b || !is_person(rels, *a) || !is_person(rels, *b)) continue;
        if ((a->rel < mid) == (b->rel < mid)) continue;
        const std::string& ta = rels[a->rel].types[a->column];
        const std::string& tb = rels[b->rel].types[b->column];
        if (!ta.empty() && ta == tb && ta != "FLOAT" && ta != "DOUBLE" && ta != "REAL") return {};
      }
    }
    return sql_.error(ref,
                      "both sides of this join hold rows of people protected by differential "
                      "privacy: join them only with INNER JOIN ... ON an equality of their user "
                      "identifier columns (of the same type), so that each row stays one "
                      "person's");
  }

  // The SELECT of a WITH or subquery: its rows must stay user-level records.
  Result<Rel> inner_select(const json& node, const Env& outer, const std::string& what) {
    CR_ASSIGN(const Env* env, ctes(member(node, "cte_map"), outer));
    std::vector<Rel> rels;
    CR_TRY(from(member(node, "from_table"), *env, rels));
    const json& items = member(node, "select_list");
    Rel out;
    out.what = what;
    for (const auto& item : items) {
      out.columns.push_back(output_name(item));
      std::string type;
      if (node_class(item) == "COLUMN_REF")
        if (auto at = resolve(item, rels, 0, rels.size())) type = rels[at->rel].types[at->column];
      out.types.push_back(type);
    }
    const Rel* people = first_person(rels);
    if (!people) return out;
    const std::string person = people->columns[people->person];

    const json* window = nullptr;
    bool aggregates =
        !member(node, "group_expressions").empty() || !member(node, "having").is_null();
    each_own_expression(node, [&](const json& e) {
      if (node_class(e) == "WINDOW" && !window) {
        bool partitioned = false;
        for (const auto& p : member(e, "partitions"))
          if (auto at = resolve(p, rels, 0, rels.size())) partitioned |= is_person(rels, *at);
        if (!partitioned) window = &e;
      }
      if (is_aggregate_call(e)) aggregates = true;
    });
    if (window)
      return sql_.error(*window, what +
                                     ": a window over rows of people protected by differential "
                                     "privacy must PARTITION BY their user identifier column " +
                                     person + ", so that no person's row reads another's");
    if (aggregates) {
      bool by_person = false;
      for (const auto& g : member(node, "group_expressions")) {
        const json* key = &g;
        if (auto position = integer_constant(g))
          if (*position >= 1 && static_cast<size_t>(*position) <= items.size())
            key = &items[*position - 1];
        if (auto at = resolve(*key, rels, 0, rels.size())) by_person |= is_person(rels, *at);
      }
      if (!by_person)
        return invalid_query(what +
                             " aggregates rows of people protected by differential "
                             "privacy: it must GROUP BY their user identifier column " +
                             person + ", so that each of its rows is one person's");
    }
    const json& modifiers = member(node, "modifiers");
    CR_TRY(no_limit(modifiers, what));
    for (const auto& m : modifiers) {
      const json& on = member(m, "distinct_on_targets");
      if (node_type(m) != "DISTINCT_MODIFIER" || !on.is_array() || on.empty()) continue;
      bool by_person = false;
      for (const auto& t : on)
        if (auto at = resolve(t, rels, 0, rels.size())) by_person |= is_person(rels, *at);
      if (!by_person)
        return invalid_query(what +
                             ": DISTINCT ON over rows of people protected by "
                             "differential privacy must include their user identifier "
                             "column " +
                             person);
    }
    for (size_t i = 0; i < items.size(); ++i)
      if (node_class(items[i]) == "COLUMN_REF")
        if (auto at = resolve(items[i], rels, 0, rels.size()); at && is_person(rels, *at)) {
          out.person = static_cast<int>(i);
          return out;
        }
    return invalid_query(what + " reads rows of people protected by differential privacy (" +
                         people->what + ") but does not return their user identifier column " +
                         person + ": select it, so that each row stays one person's");
  }

  Status no_limit(const json& modifiers, const std::string& what) const {
    for (const auto& m : modifiers)
      if (node_type(m) == "LIMIT_MODIFIER" || node_type(m) == "LIMIT_PERCENT_MODIFIER")
        return invalid_query(what +
                             ": LIMIT and OFFSET over rows of people protected by "
                             "differential privacy are not supported: which rows remain "
                             "would depend on other people's rows");
    return {};
  }

  Status one_owner() const {
    if (owners_.size() > 1)
      return invalid_query(
          "the query reads tables of several members protected by differential privacy; a "
          "query may read the differentially private tables of one member only");
    if (person_columns_.size() > 1)
      return invalid_query(
          "the tables protected by differential privacy that the query reads name different "
          "user identifier columns; their analysis rules must name the same column");
    return {};
  }

  const SqlText& sql_;
  const QueryContext& ctx_;
  Env root_;
  std::vector<std::unique_ptr<Env>> envs_;
  std::set<std::string> owners_;
  std::set<std::string> person_columns_;
};

}  // namespace
}  // namespace dp_shape

Result<DpShape> dp_query_shape(const SqlText& sql, const json& statement, const QueryContext& ctx) {
  dp_shape::Shaper s(sql, ctx);
  return s.run(statement);
}

}  // namespace cleanroom::policy
