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
    if (!very_high) return {};
    const ExprContext& c = use.ctx;
    const json* parent = c.parent;
    // Counted: COUNT(user_id), COUNT(DISTINCT user_id).
    if (parent && parent == c.aggregate && lower(str(*parent, "function_name")) == "count")
      return {};
    // A join key: ON a.user_id = b.user_id (what it meets is checked in on_operation).
    if (c.clause == Clause::JoinOn && parent && node_class(*parent) == "COMPARISON" &&
        node_type(*parent) == "COMPARE_EQUAL" &&
        node_class(member(*parent, "left")) == "COLUMN_REF" &&
        node_class(member(*parent, "right")) == "COLUMN_REF")
      return {};
    // Passed on unchanged by a CTE or subquery, to be counted or joined on later.
    if (c.clause == Clause::Select && c.item_root && !c.output) return {};
    return sql_.error(use.ref, describe(ctx_, *very_high) +
                                   " is VERY_HIGH: it identifies a person, so it may only be "
                                   "counted with COUNT or COUNT(DISTINCT) or used as a join key, "
                                   "never output, grouped, transformed or compared");
  }

  Status on_operation(const OperationUse& use) override {
    if (use.node_class != "COMPARISON") return {};
    const ColumnKey* very_high = nullptr;
    for (const auto& o : use.operands)
      if (!very_high) very_high = very_high_in(o.values);
    if (!very_high) return {};
    const bool user = is_user_identity(ctx_, *very_high);
    for (const auto& o : use.operands) {
      bool same_kind =
          !o.literal && !o.values.empty() &&
          std::all_of(o.values.begin(), o.values.end(), [&](const ColumnKey& k) {
            return user ? is_user_identity(ctx_, k) : ctx_.tables[k.table].amc.has_value();
          });
      if (!same_kind)
        return sql_.error(
            use.node, describe(ctx_, *very_high) +
                          (user ? " identifies a person and may only be joined with another "
                                  "person identifier (a platform user_id or an id matching "
                                  "resolved to one)"
                                : " is VERY_HIGH and may only be joined with platform columns"));
    }
    return {};
  }

  Status finish(const WalkedQuery&, std::vector<KeptCondition>&) override { return {}; }

 private:
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
