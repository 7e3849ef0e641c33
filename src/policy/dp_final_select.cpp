// The final SELECT of a differentially private query (dp_query_shape.h): what it may aggregate
// and how, its grouping, its SELECT list mapped onto the rewrite's released columns, its ORDER BY
// mapped onto positions.
#include <cmath>

#include "policy/dp_query_shape_impl.h"
#include "policy/sql_functions.h"

namespace cleanroom::policy::dp_shape {
namespace {

// Bounds beyond this are refused: their noise would swamp any answer, and their squares must
// stay far inside 64 bits.
constexpr double kMaxBound = 1e15;

std::optional<double> number_constant(const json& e) {
  if (node_class(e) != "CONSTANT") return std::nullopt;
  const json& value = member(e, "value");
  if (member(value, "is_null") != false) return std::nullopt;
  const json& v = member(value, "value");
  if (!v.is_number()) return std::nullopt;
  const json& type = member(value, "type");
  std::string_view id = str(type, "id");
  double out = v.get<double>();
  if (id == "DECIMAL") {
    const json& scale = member(member(type, "type_info"), "scale");
    if (!scale.is_number_integer()) return std::nullopt;
    out /= std::pow(10.0, scale.get<int>());
  } else if (!integer_type(id) && id != "FLOAT" && id != "DOUBLE") {
    return std::nullopt;
  }
  if (!std::isfinite(out)) return std::nullopt;
  return out;
}

class FinalSelect {
 public:
  explicit FinalSelect(const SqlText& sql) : sql_(sql) {}

  Result<DpShape> run(const json& node, const std::vector<Rel>& rels) {
    const Rel* people = first_person(rels);
    if (!people)
      return invalid_query(
          "the outermost SELECT must read the tables protected by differential privacy "
          "(directly or through a WITH that returns their user identifier column)");
    if (people->name.empty())
      return invalid_query(
          "the outermost SELECT reads rows of people protected by differential "
          "privacy from a subquery without an alias: give it one, so that its "
          "people can be told apart");
    DpShape shape;
    shape.person_relation = people->name;
    shape.person_column = people->columns[people->person];
    shape.from = member(node, "from_table");
    shape.where = member(node, "where_clause");
    shape.ctes = member(member(node, "cte_map"), "map");
    if (!shape.ctes.is_array()) shape.ctes = json::array();

    const json* refused = nullptr;
    std::string why;
    each_own_expression(node, [&](const json& e) {
      if (refused) return;
      if (node_class(e) == "WINDOW") {
        refused = &e;
        why =
            "window functions are not supported in the final SELECT of a differentially "
            "private query: use them in a WITH, partitioned by the user identifier column";
      }
    });
    if (refused) return sql_.error(*refused, why);
    if (!member(node, "having").is_null())
      return sql_.error(member(node, "having"),
                        "HAVING is not supported with differential privacy: its condition "
                        "would read exact aggregates; filter the delivered result instead");
    if (!member(node, "qualify").is_null())
      return sql_.error(member(node, "qualify"),
                        "QUALIFY is not supported in the final SELECT of a differentially "
                        "private query");
    for (const auto& m : member(node, "modifiers"))
      if (node_type(m) == "DISTINCT_MODIFIER")
        return invalid_query(
            "SELECT DISTINCT is not supported in the final SELECT of a differentially private "
            "query: its groups already are distinct");
    if (!shape.where.is_null()) CR_TRY(row_expression(sql_, shape.where, rels, "WHERE"));

    const json& items = member(node, "select_list");
    for (const auto& g : member(node, "group_expressions")) {
      json key = g;
      if (auto position = integer_constant(g)) {
        if (*position < 1 || static_cast<size_t>(*position) > items.size())
          return sql_.error(g, "GROUP BY position is not a column of the SELECT list");
        key = items[*position - 1];
      } else if (node_class(g) == "COLUMN_REF" && !resolve(g, rels, 0, rels.size()) &&
                 member(g, "column_names").size() == 1) {
        for (const auto& item : items)
          if (same_name(str(item, "alias"), member(g, "column_names")[0].get<std::string>()))
            key = item;
      }
      key["alias"] = "";
      CR_TRY(row_expression(sql_, key, rels, "GROUP BY"));
      bool aggregate = false;
      each_expression(key, [&](const json& e) { aggregate |= is_aggregate_call(e); });
      if (aggregate) return sql_.error(g, "GROUP BY cannot hold an aggregate");
      if (auto at = resolve(key, rels, 0, rels.size()); at && is_person(rels, *at))
        return sql_.error(g, "grouping by the user identifier column " + shape.person_column +
                                 " makes groups of one person, which differential privacy "
                                 "never releases");
      shape.group_keys.push_back(std::move(key));
    }
    bool aggregates = false;
    each_expression(items, [&](const json& e) { aggregates |= is_aggregate_call(e); });
    if (!aggregates)
      return invalid_query(
          "a query of tables protected by differential privacy must aggregate: its SELECT "
          "list needs COUNT, COUNT(DISTINCT ...), SUM, AVG or STDDEV");
    for (const auto& item : items) {
      json mapped = item;
      CR_TRY(map_item(mapped, rels, shape, true));
      shape.items.push_back(std::move(mapped));
    }
    CR_ASSIGN(shape.modifiers, modifiers(member(node, "modifiers"), items));
    return shape;
  }

  // Replaces, in one SELECT item, its grouping expressions and aggregate calls by the rewrite's
  // columns; any other column named outside an aggregate is refused.
  Status map_item(json& e, const std::vector<Rel>& rels, DpShape& shape, bool root) {
    if (e.is_array()) {
      for (auto& v : e) CR_TRY(map_item(v, rels, shape, false));
      return {};
    }
    if (!e.is_object()) return {};
    if (e.contains("class")) {
      for (size_t j = 0; j < shape.group_keys.size(); ++j)
        if (same_expr(e, shape.group_keys[j]) || same_column(e, shape.group_keys[j], rels)) {
          replace(e, "__cleanroom_dp_g" + std::to_string(j), root);
          return {};
        }
      if (is_aggregate_call(e)) {
        CR_ASSIGN(size_t i, aggregation(e, rels, shape));
        replace(e, "__cleanroom_dp_v" + std::to_string(i), root);
        return {};
      }
      if (node_class(e) == "COLUMN_REF") {
        const json& names = member(e, "column_names");
        if (names.size() == 1 && names[0].is_string() &&
            is_sql_value_function(lower(names[0].get<std::string>())))
          return {};
        return sql_.error(e,
                          "in a differentially private query every column of the SELECT "
                          "list is a GROUP BY expression (as written there) or inside an "
                          "aggregate");
      }
    }
    if (node_class(e) == "CONSTANT") return {};
    for (auto& [k, v] : e.items())
      if (k != "cast_type") CR_TRY(map_item(v, rels, shape, false));
    return {};
  }

  static void replace(json& e, const std::string& column, bool root) {
    std::string alias = root ? std::string(str(e, "alias")) : std::string();
    e = {{"class", "COLUMN_REF"},
         {"type", "COLUMN_REF"},
         {"alias", alias},
         {"query_location", UINT64_MAX},
         {"column_names", json::array({column})}};
  }

  // The aggregation `call` stands for, added once however often the query writes it.
  Result<size_t> aggregation(const json& call, const std::vector<Rel>& rels, DpShape& shape) {
    for (size_t i = 0; i < shape.aggregations.size(); ++i)
      if (same_expr(shape.aggregations[i].call, call)) return i;
    std::string name = lower(str(call, "function_name"));
    const json& args = member(call, "children");
    const bool distinct = member(call, "distinct") == true;
    if (!member(call, "filter").is_null())
      return sql_.error(call,
                        "FILTER is not supported with differential privacy: write the "
                        "condition inside the aggregate (CASE WHEN ... THEN ... END)");
    const json& orders = member(member(call, "order_bys"), "orders");
    if (orders.is_array() && !orders.empty())
      return sql_.error(call,
                        "ORDER BY inside an aggregate is not supported with differential "
                        "privacy");
    DpAggregation a;
    a.call = call;
    a.call["alias"] = "";
    auto unsupported = [&]() {
      return sql_.error(call, name + (distinct ? " DISTINCT" : "") +
                                  " is not supported with differential privacy: the "
                                  "aggregations are COUNT, COUNT(DISTINCT ...), SUM, AVG and "
                                  "STDDEV");
    };
    if (name == "count_star" && args.empty()) {
      a.kind = DpAggregate::Count;
      a.statistic = DpStatistic::Rows;
    } else if (name == "count" && args.size() == 1) {
      a.argument = args[0];
      auto at = resolve(args[0], rels, 0, rels.size());
      if (!distinct) {
        a.kind = DpAggregate::Count;
        a.statistic = DpStatistic::Values;
      } else if (at && is_person(rels, *at)) {
        a.kind = DpAggregate::CountDistinct;
        a.statistic = DpStatistic::People;
      } else {
        a.kind = DpAggregate::CountDistinct;
        a.statistic = DpStatistic::DistinctValues;
      }
    } else if (!distinct && args.size() == 1 &&
               (name == "sum" || name == "avg" || name == "mean" || name == "stddev" ||
                name == "stddev_samp" || name == "stddev_pop")) {
      if (name == "sum") {
        a.kind = DpAggregate::Sum;
        a.statistic = DpStatistic::Sum;
      } else if (name == "avg" || name == "mean") {
        a.kind = DpAggregate::Avg;
        a.statistic = DpStatistic::Avg;
      } else {
        a.kind = DpAggregate::Stddev;
        a.statistic = name == "stddev_pop" ? DpStatistic::StddevPop : DpStatistic::StddevSamp;
      }
      CR_ASSIGN(a.bounds, bounds(call, args[0], rels, a.argument));
    } else {
      return unsupported();
    }
    if (!a.argument.is_null()) CR_TRY(row_expression(sql_, a.argument, rels, "an aggregate"));
    shape.aggregations.push_back(std::move(a));
    return shape.aggregations.size() - 1;
  }

  // LEAST(GREATEST(x, low), high) or GREATEST(LEAST(x, high), low), with number literals: the
  // bounds each value is clamped to, the analyst's own choice and never read from the data.
  Result<DpBounds> bounds(const json& call, const json& arg, const std::vector<Rel>& rels,
                          json& value) {
    auto split = [](const json& e, const char* fn) -> std::optional<std::pair<json, double>> {
      if (node_class(e) != "FUNCTION" || lower(str(e, "function_name")) != fn ||
          member(e, "distinct") == true || !member(e, "filter").is_null())
        return std::nullopt;
      const json& c = member(e, "children");
      if (!c.is_array() || c.size() != 2) return std::nullopt;
      if (auto n = number_constant(c[1])) return std::pair{c[0], *n};
      if (auto n = number_constant(c[0])) return std::pair{c[1], *n};
      return std::nullopt;
    };
    std::optional<std::pair<json, double>> outer, inner;
    bool least_outside = false;
    if ((outer = split(arg, "least"))) {
      least_outside = true;
      inner = split(outer->first, "greatest");
    } else if ((outer = split(arg, "greatest"))) {
      inner = split(outer->first, "least");
    }
    if (!outer || !inner)
      return sql_.error(call, lower(str(call, "function_name")) +
                                  " needs the bounds of its values in a differentially private "
                                  "query: write it over LEAST(GREATEST(value, low), high) with "
                                  "number literals; every value is clamped to them");
    DpBounds b;
    const json& lo_holder = least_outside ? outer->first : arg;
    const json& hi_holder = least_outside ? arg : outer->first;
    b.low_value = least_outside ? inner->second : outer->second;
    b.high_value = least_outside ? outer->second : inner->second;
    auto constant_of = [](const json& holder) -> json {
      const json& c = member(holder, "children");
      return number_constant(c[1]) ? c[1] : c[0];
    };
    b.low = constant_of(lo_holder);
    b.high = constant_of(hi_holder);
    if (b.low_value > b.high_value)
      return sql_.error(call, "the lower bound of the clamp exceeds its upper bound");
    if (std::fabs(b.low_value) > kMaxBound || std::fabs(b.high_value) > kMaxBound)
      return sql_.error(call,
                        "the bounds of a differentially private aggregate are at most "
                        "10^15 in size");
    if (b.low_value == 0 && b.high_value == 0)
      return sql_.error(call,
                        "the bounds of a differentially private aggregate cannot both "
                        "be 0");
    value = inner->first;
    std::string type;
    if (auto at = resolve(value, rels, 0, rels.size())) type = rels[at->rel].types[at->column];
    if (node_class(value) == "CAST" && member(member(value, "cast_type"), "type_info").is_null())
      type = std::string(str(member(value, "cast_type"), "id"));
    b.integral = integer_type(type) && std::floor(b.low_value) == b.low_value &&
                 std::floor(b.high_value) == b.high_value;
    return b;
  }

  // ORDER BY names columns of the SELECT list (by position, alias or the same expression): the
  // released rows are ordered by released values only. LIMIT is kept as written.
  Result<json> modifiers(const json& mods, const json& items) {
    json out = json::array();
    for (const auto& m : mods) {
      if (node_type(m) != "ORDER_MODIFIER") {
        out.push_back(m);
        continue;
      }
      json order = m;
      for (auto& o : order["orders"]) {
        json& e = o["expression"];
        std::optional<size_t> position;
        if (auto k = integer_constant(e)) {
          if (*k >= 1 && static_cast<size_t>(*k) <= items.size()) position = *k;
        } else {
          const json& names = member(e, "column_names");
          if (node_class(e) == "COLUMN_REF" && names.size() == 1 && names[0].is_string())
            for (size_t i = 0; i < items.size() && !position; ++i)
              if (same_name(str(items[i], "alias"), names[0].get<std::string>())) position = i + 1;
          for (size_t i = 0; i < items.size() && !position; ++i)
            if (same_expr(e, items[i])) position = i + 1;
        }
        if (!position)
          return sql_.error(e,
                            "ORDER BY in a differentially private query names a column of "
                            "its SELECT list: by position, by alias or as the same "
                            "expression");
        e = {{"class", "CONSTANT"},
             {"type", "VALUE_CONSTANT"},
             {"alias", ""},
             {"query_location", UINT64_MAX},
             {"value",
              {{"type", {{"id", "INTEGER"}, {"type_info", nullptr}}},
               {"is_null", false},
               {"value", static_cast<int64_t>(*position)}}}};
      }
      out.push_back(std::move(order));
    }
    return out;
  }

 private:
  const SqlText& sql_;
};

}  // namespace

Result<DpShape> final_select(const SqlText& sql, const json& node, const std::vector<Rel>& rels) {
  FinalSelect f(sql);
  return f.run(node, rels);
}

}  // namespace cleanroom::policy::dp_shape
