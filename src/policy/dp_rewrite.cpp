#include "policy/dp_rewrite.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "policy/dp_query_shape.h"
#include "policy/sql_parser.h"

namespace cleanroom::policy {
namespace {

// A sum's values are snapped to a grid of at most this many steps each side of 0, so that its
// noise and its sums of squares stay integers far inside 64 bits.
constexpr int64_t kMaxGridSteps = 10000;

double pow10(int e) { return std::pow(10.0, e); }

// The grid of a clamped value: g = 10^exponent, K = the largest |value / g| within the bounds.
struct Grid {
  int exponent = 0;
  int64_t low = 0;  // the bounds in steps of g
  int64_t high = 0;
  int64_t steps = 1;   // K = max(|low|, |high|)
  bool whole = false;  // integer values on a grid of 1: released as BIGINT
};

int64_t steps_of(double v, int exponent) {
  return exponent >= 0 ? std::llround(v / pow10(exponent)) : std::llround(v * pow10(-exponent));
}

Grid grid_of(const DpBounds& b) {
  const double bound = std::max(std::fabs(b.low_value), std::fabs(b.high_value));
  Grid g;
  if (!(b.integral && bound <= static_cast<double>(kMaxGridSteps))) {
    // The smallest power of ten that leaves at most kMaxGridSteps steps up to the bound.
    g.exponent = static_cast<int>(std::ceil(std::log10(bound / kMaxGridSteps)));
    while (bound / pow10(g.exponent) > kMaxGridSteps) ++g.exponent;
    while (bound / pow10(g.exponent - 1) <= kMaxGridSteps) --g.exponent;
    if (b.integral && g.exponent < 0) g.exponent = 0;
  }
  g.low = steps_of(b.low_value, g.exponent);
  g.high = steps_of(b.high_value, g.exponent);
  g.steps = std::max<int64_t>({std::llabs(g.low), std::llabs(g.high), 1});
  g.whole = b.integral && g.exponent == 0;
  return g;
}

// `x` times 10^e, in literals that survive DuckDB's rendering unchanged: whole powers of ten, or
// a DOUBLE cast from text beyond 64 bits.
std::string scale_by(const std::string& x, int e) {
  if (e == 0) return x;
  if (e > 15 || e < -15) return "(" + x + " * CAST('1e" + std::to_string(e) + "' AS DOUBLE))";
  std::string ten = "1" + std::string(static_cast<size_t>(std::abs(e)), '0');
  return "(" + x + (e > 0 ? " * " : " / ") + ten + ")";
}

std::string real(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return std::string("CAST('") + buf + "' AS DOUBLE)";
}

std::string idx(const char* prefix, size_t i) { return prefix + std::to_string(i); }

// The skeleton of the rewritten query, cleanroom's own text: the analyst's parts are
// __cleanroom_dp_slot_* and __cleanroom_dp_item_* column references and the __cleanroom_dp_from
// table, replaced by their trees after parsing (never spliced as text).
struct Skeleton {
  std::string sql;
  bool selects = false;  // partition selection: the query groups
  bool people = false;   // a noisy count of people is computed
};

struct Scales {
  int64_t people;  // N x L0: a person adds 1 to at most L0 groups
  int64_t rows;    // N x L0 x Linf
};

Skeleton skeleton(const DpShape& s, const std::vector<Grid>& grids, const Scales& scale,
                  const DpParameters& p) {
  Skeleton out;
  out.selects = !s.group_keys.empty();
  out.people = out.selects;
  for (const auto& a : s.aggregations) out.people |= a.statistic == DpStatistic::People;
  std::string keys;  // ", __cleanroom_dp_g0, ..."
  for (size_t j = 0; j < s.group_keys.size(); ++j) keys += ", " + idx("__cleanroom_dp_g", j);
  const std::string leading_keys = keys.empty() ? "" : keys.substr(2) + ", ";

  // 1. One row per row of the analyst's FROM and WHERE: its person, its group, its values.
  std::string rows = "__cleanroom_dp_slot_person AS __cleanroom_dp_person";
  for (size_t j = 0; j < s.group_keys.size(); ++j)
    rows += ", " + idx("__cleanroom_dp_slot_g", j) + " AS " + idx("__cleanroom_dp_g", j);
  std::string values;  // the per-row values, carried through the ranking
  for (size_t i = 0; i < s.aggregations.size(); ++i) {
    const DpAggregation& a = s.aggregations[i];
    const std::string x = idx("__cleanroom_dp_slot_x", i);
    std::string value;
    if (a.statistic == DpStatistic::Values || a.statistic == DpStatistic::DistinctValues) {
      value = x;
    } else if (a.bounds) {
      // Clamped to the query's bounds, then snapped to the grid: whole steps of g within
      // [low, high] steps, whatever the double arithmetic rounds.
      const Grid& g = grids[i];
      const std::string clamped = "least(greatest(CAST(" + x + " AS DOUBLE), " +
                                  idx("__cleanroom_dp_slot_lo", i) + "), " +
                                  idx("__cleanroom_dp_slot_hi", i) + ")";
      value = "least(greatest(CAST(round(" + scale_by(clamped, -g.exponent) + ") AS BIGINT), " +
              std::to_string(g.low) + "), " + std::to_string(g.high) + ")";
    }
    if (value.empty()) continue;
    rows += ", " + value + " AS " + idx("__cleanroom_dp_a", i);
    values += ", " + idx("__cleanroom_dp_a", i);
  }
  std::string sql =
      "WITH __cleanroom_dp_salt AS (SELECT cleanroom_dp_random_key() AS "
      "__cleanroom_dp_salt), __cleanroom_dp_rows AS (SELECT " +
      rows + " FROM __cleanroom_dp_from" +
      (s.where.is_null() ? "" : " WHERE __cleanroom_dp_slot_where") + "), ";

  // 2. Contribution bounding: each person's groups in a random order (a hash of person, group
  // and a salt drawn for this query), the first L0 kept; in each, its rows in a random order,
  // the first Linf kept.
  sql += "__cleanroom_dp_ranked AS (SELECT __cleanroom_dp_person" + keys + values +
         ", dense_rank() OVER (PARTITION BY __cleanroom_dp_person ORDER BY "
         "hash(__cleanroom_dp_person" +
         keys + ", __cleanroom_dp_salt)" + keys +
         ") AS __cleanroom_dp_group_rank, row_number() OVER (PARTITION BY __cleanroom_dp_person" +
         keys +
         " ORDER BY cleanroom_dp_random_key()) AS __cleanroom_dp_row_rank FROM "
         "__cleanroom_dp_rows CROSS JOIN __cleanroom_dp_salt WHERE __cleanroom_dp_person IS NOT "
         "NULL), ";

  // 3. Exact sums per group over the kept rows, and beside each a draw of its noise (in a
  // column of its own: DuckDB draws it once however often it is read).
  std::string sums, draws;
  auto noised = [&](const std::string& column, int64_t t) {
    draws += ", " + column + ", cleanroom_dp_noise(" + std::to_string(t) + ") AS " + column + "_n";
    return "(" + column + " + " + column + "_n)";
  };
  std::string people;
  if (out.people) {
    sums += ", count(DISTINCT __cleanroom_dp_person) AS __cleanroom_dp_people";
    people = noised("__cleanroom_dp_people", scale.people);
  }
  std::string released;
  for (size_t i = 0; i < s.aggregations.size(); ++i) {
    const DpAggregation& a = s.aggregations[i];
    const std::string av = idx("__cleanroom_dp_a", i), c = idx("__cleanroom_dp_c", i),
                      sum = idx("__cleanroom_dp_s", i), sq = idx("__cleanroom_dp_q", i),
                      lo = idx("__cleanroom_dp_slot_lo", i), hi = idx("__cleanroom_dp_slot_hi", i);
    std::string v;
    switch (a.statistic) {
      case DpStatistic::Rows:
      case DpStatistic::Values:
      case DpStatistic::DistinctValues:
        sums += a.statistic == DpStatistic::Rows     ? ", count(*) AS " + c
                : a.statistic == DpStatistic::Values ? ", count(" + av + ") AS " + c
                                                     : ", count(DISTINCT " + av + ") AS " + c;
        v = "greatest(" + noised(c, scale.rows) + ", 0)";
        break;
      case DpStatistic::People:
        v = "greatest(" + people + ", 0)";
        break;
      case DpStatistic::Sum: {
        const Grid& g = grids[i];
        sums += ", COALESCE(sum(" + av + "), 0) AS " + sum;
        const std::string total = noised(sum, scale.rows * g.steps);
        v = g.whole ? "CAST(" + total + " AS BIGINT)"
                    : scale_by("CAST(" + total + " AS DOUBLE)", g.exponent);
        break;
      }
      case DpStatistic::Avg:
      case DpStatistic::StddevSamp:
      case DpStatistic::StddevPop: {
        const Grid& g = grids[i];
        sums += ", COALESCE(sum(" + av + "), 0) AS " + sum + ", count(" + av + ") AS " + c;
        const std::string total =
            scale_by("CAST(" + noised(sum, scale.rows * g.steps) + " AS DOUBLE)", g.exponent);
        const std::string count = noised(c, scale.rows);
        if (a.statistic == DpStatistic::Avg) {
          v = "least(greatest(" + total + " / greatest(" + count + ", 1), " + lo + "), " + hi + ")";
          break;
        }
        sums += ", COALESCE(sum(" + av + " * " + av + "), 0) AS " + sq;
        const std::string squares = scale_by(
            "CAST(" + noised(sq, scale.rows * g.steps * g.steps) + " AS DOUBLE)", 2 * g.exponent);
        const bool sample = a.statistic == DpStatistic::StddevSamp;
        const std::string n = "greatest(" + count + ", " + (sample ? "2" : "1") + ")";
        const double range = a.bounds->high_value - a.bounds->low_value;
        v = "sqrt(least(greatest((" + squares + " - " + total + " * " + total + " / " + n + ") / " +
            (sample ? "(" + n + " - 1)" : n) + ", 0), " + real(range * range) + "))";
        break;
      }
    }
    released += ", " + v + " AS " + idx("__cleanroom_dp_v", i);
  }
  const std::string group_by = keys.empty() ? "" : " GROUP BY " + keys.substr(2);
  sql += "__cleanroom_dp_groups AS (SELECT " + leading_keys + sums.substr(2) +
         " FROM __cleanroom_dp_ranked WHERE __cleanroom_dp_group_rank <= " +
         std::to_string(p.max_groups_per_person) +
         " AND __cleanroom_dp_row_rank <= " + std::to_string(p.max_rows_per_group) + group_by +
         "), __cleanroom_dp_noised AS (SELECT " + leading_keys + draws.substr(2) +
         " FROM __cleanroom_dp_groups), ";

  // 4. Partition selection, then what the analyst's SELECT list computes from released values.
  sql += "__cleanroom_dp_released AS (SELECT " + leading_keys + released.substr(2) +
         " FROM __cleanroom_dp_noised" +
         (out.selects
              ? " WHERE " + people + " >= " +
                    std::to_string(dp_selection_threshold(scale.people, p.max_groups_per_person))
              : "") +
         ") SELECT ";
  for (size_t k = 0; k < s.items.size(); ++k)
    sql += (k ? ", " : "") + idx("__cleanroom_dp_item_", k);
  sql += " FROM __cleanroom_dp_released";
  out.sql = std::move(sql);
  return out;
}

// Every position in the skeleton is cleared (it is cleanroom's text, not the analyst's); its
// comparisons get positions past the analyst's text and count as safe, so that silence_errors
// leaves them bare: they compare the rewrite's own integers and cannot raise.
void own_positions(json& node, uint64_t& next, std::set<uint64_t>& safe) {
  if (node.is_array()) {
    for (auto& v : node) own_positions(v, next, safe);
    return;
  }
  if (!node.is_object()) return;
  if (node.contains("query_location")) {
    if (node_class(node) == "COMPARISON") {
      node["query_location"] = next;
      safe.insert(next++);
    } else {
      node["query_location"] = UINT64_MAX;
    }
  }
  for (auto& [k, v] : node.items()) own_positions(v, next, safe);
}

uint64_t last_position(const json& node) {
  uint64_t out = 0;
  if (node.is_array()) {
    for (const auto& v : node) out = std::max(out, last_position(v));
  } else if (node.is_object()) {
    if (auto at = location(node)) out = *at;
    for (const auto& [k, v] : node.items()) out = std::max(out, last_position(v));
  }
  return out;
}

// Replaces the placeholders by the analyst's trees.
void fill(json& node, const std::map<std::string, json>& slots, const json& from) {
  if (node.is_array()) {
    for (auto& v : node) fill(v, slots, from);
    return;
  }
  if (!node.is_object()) return;
  if (node_class(node) == "COLUMN_REF") {
    const json& names = member(node, "column_names");
    if (names.size() == 1 && names[0].is_string()) {
      auto it = slots.find(names[0].get<std::string>());
      if (it != slots.end()) {
        std::string alias(str(node, "alias"));
        node = it->second;
        if (!alias.empty()) node["alias"] = alias;
        return;
      }
    }
  }
  if (node_type(node) == "BASE_TABLE" && str(node, "table_name") == "__cleanroom_dp_from") {
    node = from;
    return;
  }
  for (auto& [k, v] : node.items()) fill(v, slots, from);
}

json column(const std::string& relation, const std::string& name) {
  return {{"class", "COLUMN_REF"},
          {"type", "COLUMN_REF"},
          {"alias", ""},
          {"query_location", UINT64_MAX},
          {"column_names", json::array({relation, name})}};
}

// An aggregation as the query writes it, rendered by DuckDB.
std::string written(const json& call) {
  auto tree = parse_sql("SELECT __cleanroom_dp_item_0");
  if (!tree.ok()) return "";
  json& node = (*tree)["statements"][0]["node"];
  node["select_list"][0] = call;
  auto rendered = render_sql(*tree);
  if (!rendered.ok()) return "";
  std::string text = rendered->sql;
  if (text.rfind("SELECT ", 0) == 0) text = text.substr(7);
  return text == "count_star()" ? "count(*)" : text;
}

Status check_parameters(const DpParameters& p) {
  if (p.users_noise_per_query < 10 || p.users_noise_per_query > 100)
    return Error::internal("the differential privacy policy's usersNoisePerQuery must be 10-100");
  if (p.max_groups_per_person < 1 || p.max_groups_per_person > 1000 || p.max_rows_per_group < 1 ||
      p.max_rows_per_group > 1000)
    return Error::internal("the differential privacy contribution bounds must be 1-1000");
  return {};
}

}  // namespace

int64_t dp_selection_threshold(int64_t scale, int max_groups) {
  // A group of one person has 1 person; with X ~ DLap(scale), P(1 + X >= threshold) =
  // q^(threshold - 1) / (1 + q) <= exp(-(threshold - 1) / scale), q = exp(-1 / scale); over a
  // person's max_groups groups at most max_groups times that.
  const double lead = static_cast<double>(scale) * std::log(max_groups / kDpSelectionDelta);
  return 1 + static_cast<int64_t>(std::ceil(lead));
}

Status add_differential_privacy(const SqlText& sql, json& statement, const QueryContext& ctx,
                                WalkedQuery& walked, CheckedQuery& out) {
  const QueryTable* protected_table = nullptr;
  for (int t : walked.tables)
    if (dp_person_column(ctx.tables[t])) protected_table = &ctx.tables[t];
  if (!protected_table) return {};
  for (int t : walked.tables)
    if (ctx.tables[t].amc)
      return invalid_query("table " + protected_table->name +
                           " is protected by differential privacy and cannot be queried together "
                           "with the platform's AMC tables");
  if (!ctx.filtered_rows_discriminator.empty() || !ctx.filtered_rows.user_count_column.empty() ||
      !ctx.filtered_rows.reason_column.empty() ||
      ctx.filtered_rows.behavior != PrivacyFilteringBehavior::RemoveRows)
    return invalid_query(
        "filtered-row options do not apply to tables protected by differential "
        "privacy (" +
        protected_table->name + ")");
  if (!ctx.dp)
    return invalid_query("table " + protected_table->name +
                         " is protected by differential privacy: it can be queried once the "
                         "collaboration has a differential privacy policy (a privacy budget "
                         "template of type DIFFERENTIAL_PRIVACY)");
  const DpParameters& p = *ctx.dp;
  CR_TRY(check_parameters(p));
  CR_ASSIGN(DpShape shape, dp_query_shape(sql, statement, ctx));

  const int64_t n = p.users_noise_per_query;
  const Scales scale{n * p.max_groups_per_person,
                     n * p.max_groups_per_person * static_cast<int64_t>(p.max_rows_per_group)};
  std::vector<Grid> grids;
  for (const auto& a : shape.aggregations) grids.push_back(a.bounds ? grid_of(*a.bounds) : Grid{});
  Skeleton s = skeleton(shape, grids, scale, p);
  CR_ASSIGN(json tree, parse_sql(s.sql));
  json node = std::move(tree["statements"][0]["node"]);
  uint64_t next = last_position(statement) + 1;
  own_positions(node, next, walked.safe_comparisons);

  std::map<std::string, json> slots;
  slots["__cleanroom_dp_slot_person"] = column(shape.person_relation, shape.person_column);
  if (!shape.where.is_null()) slots["__cleanroom_dp_slot_where"] = shape.where;
  for (size_t j = 0; j < shape.group_keys.size(); ++j)
    slots[idx("__cleanroom_dp_slot_g", j)] = shape.group_keys[j];
  for (size_t i = 0; i < shape.aggregations.size(); ++i) {
    const DpAggregation& a = shape.aggregations[i];
    if (!a.argument.is_null()) slots[idx("__cleanroom_dp_slot_x", i)] = a.argument;
    if (a.bounds) {
      slots[idx("__cleanroom_dp_slot_lo", i)] = a.bounds->low;
      slots[idx("__cleanroom_dp_slot_hi", i)] = a.bounds->high;
    }
  }
  for (size_t k = 0; k < shape.items.size(); ++k)
    slots[idx("__cleanroom_dp_item_", k)] = shape.items[k];
  fill(node, slots, shape.from);
  node["modifiers"] = shape.modifiers;
  json ctes = shape.ctes;
  for (auto& entry : node["cte_map"]["map"]) ctes.push_back(std::move(entry));
  node["cte_map"]["map"] = std::move(ctes);
  statement["node"] = std::move(node);

  // What the query spends: each aggregation dp_epsilon_per_aggregation of its kind, and a
  // grouped query that counts no people itself one COUNT_DISTINCT more, its partition selection.
  const int64_t limit = static_cast<int64_t>(p.max_groups_per_person) * p.max_rows_per_group;
  auto charge = [&](DpAggregate kind, std::string expression, const DpAggregation* a) {
    out.dp_epsilon += dp_epsilon_per_aggregation(kind, p.users_noise_per_query);
    ++out.dp_aggregations[kind];
    DpSensitivity d{kind, std::move(expression), limit, std::nullopt, std::nullopt};
    if (a && a->bounds) {
      d.min_value = a->bounds->low_value;
      d.max_value = a->bounds->high_value;
    }
    out.dp_sensitivity.push_back(std::move(d));
  };
  bool counts_people = false;
  for (const auto& a : shape.aggregations) {
    charge(a.kind, written(a.call), &a);
    counts_people |= a.statistic == DpStatistic::People;
  }
  if (s.selects && !counts_people)
    charge(DpAggregate::CountDistinct,
           "count(DISTINCT " + shape.person_column + ") (the groups released)", nullptr);
  return {};
}

}  // namespace cleanroom::policy
