#include "policy/safe_eval.h"

#include <string>
#include <string_view>

#include "policy/sql_functions.h"

namespace cleanroom::policy {
namespace {

// Types whose values an aggregate can sum past 128 bits: HUGEINT and wide DECIMALs. BIGINT and
// narrower sum into a HUGEINT that no real row count overflows.
bool wide_number(const json& type) {
  std::string_view id = str(type, "id");
  if (id == "HUGEINT" || id == "UHUGEINT" || id == "VARINT" || id == "BIGNUM") return true;
  if (id == "DECIMAL") {
    const json& width = member(member(type, "type_info"), "width");
    return !width.is_number() || width.get<int64_t>() > 18;
  }
  return false;
}

// Aggregates that raise on their own when a value is extreme (DuckDB's "STDDEV_SAMP is out of
// range!" once a square overflows): inside the aggregate, where TRY cannot reach.
bool raising_aggregate(const json& e) {
  if (node_class(e) != "FUNCTION") return false;
  std::string name = lower(str(e, "function_name"));
  for (std::string_view n : {"stddev", "stddev_samp", "stddev_pop", "variance", "var_samp",
                             "var_pop", "kurtosis", "kurtosis_pop", "skewness", "corr"})
    if (name == n) return true;
  return false;
}

json try_of(json inner) {
  json alias = inner["alias"];
  inner["alias"] = "";
  return {{"class", "OPERATOR"},
          {"type", "OPERATOR_TRY"},
          {"alias", std::move(alias)},
          {"query_location", UINT64_MAX},
          {"children", json::array({std::move(inner)})}};
}

bool is_comparison(const json& e) {
  std::string_view cls = node_class(e);
  std::string_view type = node_type(e);
  return cls == "COMPARISON" || cls == "BETWEEN" || type == "COMPARE_IN" ||
         type == "COMPARE_NOT_IN";
}

struct Found {
  bool column = false;    // a column is read below: the node's outcome depends on rows
  bool subquery = false;  // DuckDB refuses TRY around a scalar subquery
};

class Silencer {
 public:
  Silencer(const SqlText& sql, const std::set<uint64_t>& safe) : sql_(sql), safe_(safe) {}

  // Visits every member; expressions are rewritten bottom-up.
  Result<Found> visit(json& node) {
    Found found;
    if (node.is_array()) {
      for (auto& v : node) {
        CR_ASSIGN(Found f, visit(v));
        merge(found, f);
      }
      return found;
    }
    if (!node.is_object()) return found;
    const bool expression = node.contains("class") && node["class"].is_string();
    if (node_class(node) != "CONSTANT")
      for (auto& [key, value] : node.items()) {
        if (key == "cast_type") continue;
        CR_ASSIGN(Found f, visit(value));
        merge(found, f);
      }
    if (!expression) return Found{};  // a query node, table reference, modifier...
    std::string_view cls = node_class(node);
    if (cls == "CONSTANT" && wide_number(member(member(node, "value"), "type")))
      return sql_.error(node, kWide);
    if (cls == "CAST" && wide_number(member(node, "cast_type"))) return sql_.error(node, kWide);
    if (raising_aggregate(node))
      return sql_.error(node, lower(str(node, "function_name")) +
                                  " is not supported: it fails on extreme values inside the "
                                  "aggregate, which would tell whether such a value is there");
    if (cls == "COLUMN_REF") found.column = true;
    if (cls == "SUBQUERY") found.subquery = true;
    if (found.column && !found.subquery && can_raise(node)) node = try_of(std::move(node));
    return found;
  }

 private:
  static constexpr const char* kWide =
      "numbers wider than 64 bits (HUGEINT, DECIMAL of more than 18 digits) are not supported: "
      "their sums can overflow on some rows";

  static void merge(Found& a, const Found& b) {
    a.column = a.column || b.column;
    a.subquery = a.subquery || b.subquery;
  }

  bool can_raise(const json& e) const {
    std::string_view cls = node_class(e);
    if (cls == "FUNCTION") {
      const FunctionInfo* info = find_function(lower(str(e, "function_name")));
      return !info || info->kind == FunctionKind::Scalar;
    }
    if (cls == "CAST") return member(e, "try_cast") != true;
    if (is_comparison(e)) {
      auto at = location(e);
      return !at || !safe_.count(*at);
    }
    if (cls == "CASE") return true;
    return node_type(e) == "OPERATOR_COALESCE";
  }

  const SqlText& sql_;
  const std::set<uint64_t>& safe_;
};

}  // namespace

Status silence_errors(const SqlText& sql, json& statement,
                      const std::set<uint64_t>& safe_comparisons) {
  Silencer s(sql, safe_comparisons);
  return status_of(s.visit(statement));
}

}  // namespace cleanroom::policy
