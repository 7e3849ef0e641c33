// Identities are VERY_HIGH wherever they live (DESIGN.md "Privacy controls"; amc-api-facts.md,
// "The privacy model"): a platform user id, an id matching resolved to one in a member's own
// table, and the platform's other VERY_HIGH columns may be joined on, counted and passed on
// unchanged by a WITH or subquery, and nothing else, whatever rule the table's owner writes: the
// owner of a resolved table could otherwise read back the platform id of each of its e-mails.
// A join key meets only its own kind: a user id only another user id, a platform VERY_HIGH column
// only platform columns; never a literal or a value the analyst chose.
#include <algorithm>

#include "policy/query_rules.h"

namespace cleanroom::policy {

std::optional<ColumnClass> column_class(const QueryContext& ctx, const ColumnKey& k) {
  const QueryTable& t = ctx.tables[k.table];
  if (listed(t.identity_columns, k.column)) return ColumnClass::VeryHigh;
  if (!t.amc) return std::nullopt;
  for (const auto& [name, cls] : t.amc->column_classes)
    if (same_name(name, k.column)) return cls;
  if (same_name(t.amc->user_id_column, k.column)) return ColumnClass::VeryHigh;
  return ColumnClass::None;
}

bool is_user_identity(const QueryContext& ctx, const ColumnKey& k) {
  const QueryTable& t = ctx.tables[k.table];
  return listed(t.identity_columns, k.column) ||
         (t.amc && same_name(t.amc->user_id_column, k.column));
}

std::string describe(const QueryContext& ctx, const ColumnKey& k) {
  return "column " + k.column + " of table " + ctx.tables[k.table].name;
}

namespace {

class IdentityPolicy : public RulePolicy {
 public:
  IdentityPolicy(const SqlText& sql, const QueryContext& ctx) : sql_(sql), ctx_(ctx) {}

  Status on_column(const ColumnUse& use) override {
    const ColumnKey* very_high = very_high_in(use.column.lineage.values);
    if (!very_high || allowed_use(use.ref, use.ctx) || in_merge(use.ctx)) return {};
    return refused(use.ref, *very_high);
  }

  Status on_operation(const OperationUse& use) override {
    if (use.node_class == "SUBQUERY") return in_subquery(use);
    if (use.type == "OPERATOR_COALESCE") return merged(use);
    if (use.node_class != "COMPARISON") return {};
    return status_of(one_kind(use));
  }

  Status finish(const WalkedQuery&, std::vector<KeptCondition>&) override { return {}; }

 private:
  Status refused(const json& node, const ColumnKey& very_high) const {
    return sql_.error(node, describe(ctx_, very_high) +
                                " is VERY_HIGH: it identifies a person, so it may only be "
                                "counted with COUNT or COUNT(DISTINCT), used as a join key, "
                                "tested with IS [NOT] NULL, or grouped and partitioned by "
                                "inside a WITH or subquery; never output, transformed or "
                                "compared with anything but another person identifier");
  }

  // COALESCE(a.user_id, b.user_id) of column references: judged as a whole in merged().
  static bool in_merge(const ExprContext& c) {
    if (!c.parent || node_type(*c.parent) != "OPERATOR_COALESCE") return false;
    for (const auto& child : member(*c.parent, "children"))
      if (node_class(child) != "COLUMN_REF") return false;
    return true;
  }

  // The first VERY_HIGH column among the operands (nullptr: none), once every operand is shown
  // to be an id of its kind.
  Result<const ColumnKey*> one_kind(const OperationUse& use) const {
    // A person id equated with an ID mapping table's id: the mapping's rule decides
    // (id_mapping_rules.cpp: only the mapping's own member's tables).
    for (const auto& o : use.operands)
      for (const auto& k : o.values)
        if (is_mapping_column(ctx_, k)) return static_cast<const ColumnKey*>(nullptr);
    const ColumnKey* very_high = nullptr;
    for (const auto& o : use.operands)
      if (!very_high) very_high = very_high_in(o.values);
    if (!very_high) return very_high;
    for (const auto& o : use.operands)
      if (!same_kind(o, *very_high)) return wrong_kind(use.node, *very_high).error();
    return very_high;
  }

  // A merge of person ids of one kind is itself a person id, used as one.
  Status merged(const OperationUse& use) const {
    CR_ASSIGN(const ColumnKey* very_high, one_kind(use));
    if (very_high && !allowed_use(use.node, use.ctx)) return refused(use.node, *very_high);
    return {};
  }

  // The uses that keep a person's id inside the query: counted, a key that meets only another
  // person's id, a NULL test, and the keys of a per-person WITH or subquery.
  bool allowed_use(const json& node, const ExprContext& c) const {
    const json* parent = c.parent;
    // Passed on unchanged by a CTE or subquery, to be counted or joined on later.
    if (c.clause == Clause::Select && c.item_root && !c.output) return true;
    // A group of one person's rows inside the query (per-user aggregation).
    if (c.clause == Clause::GroupBy && !parent && !c.output) return true;
    if (!parent) return false;
    std::string_view cls = node_class(*parent);
    std::string_view type = node_type(*parent);
    // Counted: COUNT(user_id), COUNT(DISTINCT user_id), and COUNT(DISTINCT CASE WHEN ... THEN
    // user_id END), which counts some of the same people.
    if (parent == c.aggregate) return counts(*parent);
    if (cls == "CASE" && c.aggregate && counts(*c.aggregate) &&
        &member(*c.aggregate, "children")[0] == parent) {
      for (const auto& check : member(*parent, "case_checks"))
        if (&member(check, "then_expr") == &node) return true;
      return &member(*parent, "else_expr") == &node;
    }
    if (cls == "OPERATOR" && (type == "OPERATOR_IS_NULL" || type == "OPERATOR_IS_NOT_NULL"))
      return true;
    // A key: a.user_id = b.user_id in a JOIN or WHERE (what it meets is checked in on_operation),
    // or user_id IN (SELECT user_id ...).
    if (cls == "COMPARISON" && type == "COMPARE_EQUAL" &&
        (c.clause == Clause::JoinOn || c.clause == Clause::Where) &&
        node_class(member(*parent, "left")) == "COLUMN_REF" &&
        node_class(member(*parent, "right")) == "COLUMN_REF")
      return true;
    if (cls == "SUBQUERY" && str(*parent, "subquery_type") == "ANY" &&
        &member(*parent, "child") == &node)
      return true;
    // PARTITION BY user_id: a window over one person's rows, inside the query.
    if (cls == "WINDOW" && c.clause == Clause::WindowSpec && !c.output)
      for (const auto& p : member(*parent, "partitions"))
        if (&p == &node) return true;
    return false;
  }

  static bool counts(const json& aggregate) {
    return lower(str(aggregate, "function_name")) == "count";
  }

  // user_id IN (SELECT user_id ...): the subquery's one column is a person id of the same kind.
  Status in_subquery(const OperationUse& use) const {
    if (use.operands.size() != 2) return {};
    const ColumnKey* very_high = very_high_in(use.operands[1].values);
    if (!very_high) return {};
    if (!use.subquery_column || !same_kind(*use.subquery_column, *very_high))
      return wrong_kind(use.node, *very_high);
    return {};
  }

  bool same_kind(const Lineage& o, const ColumnKey& very_high) const {
    const bool user = is_user_identity(ctx_, very_high);
    return !o.literal && !o.values.empty() &&
           std::all_of(o.values.begin(), o.values.end(), [&](const ColumnKey& k) {
             return user ? is_user_identity(ctx_, k) : ctx_.tables[k.table].amc.has_value();
           });
  }

  Status wrong_kind(const json& node, const ColumnKey& very_high) const {
    bool user = is_user_identity(ctx_, very_high);
    return sql_.error(node, describe(ctx_, very_high) +
                                (user ? " identifies a person and may only be joined with another "
                                        "person identifier (a platform user_id or an id matching "
                                        "resolved to one)"
                                      : " is VERY_HIGH and may only be joined with platform "
                                        "columns"));
  }

  const ColumnKey* very_high_in(const std::set<ColumnKey>& cols) const {
    for (const auto& k : cols)
      if (column_class(ctx_, k) == ColumnClass::VeryHigh) return &k;
    return nullptr;
  }

  const SqlText& sql_;
  const QueryContext& ctx_;
};

}  // namespace

std::unique_ptr<RulePolicy> identity_policy(const SqlText& sql, const QueryContext& ctx) {
  return std::make_unique<IdentityPolicy>(sql, ctx);
}

}  // namespace cleanroom::policy
