#include "policy/threshold_rewrite.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <optional>

#include "policy/sql_parser.h"
#include "policy/sql_tree.h"

namespace cleanroom::policy {
namespace {

// Nodes in the form json_serialize_sql writes them, so json_deserialize_sql reads them back.
constexpr uint64_t kNoLocation = UINT64_MAX;

json column_ref(const std::string& relation, const std::string& column) {
  json names = relation.empty() ? json::array({column}) : json::array({relation, column});
  return {{"class", "COLUMN_REF"},
          {"type", "COLUMN_REF"},
          {"alias", ""},
          {"query_location", kNoLocation},
          {"column_names", names}};
}

json count_distinct(json arg) {
  return {{"class", "FUNCTION"},
          {"type", "FUNCTION"},
          {"alias", ""},
          {"query_location", kNoLocation},
          {"function_name", "count"},
          {"schema", ""},
          {"children", json::array({std::move(arg)})},
          {"filter", nullptr},
          {"order_bys", {{"type", "ORDER_MODIFIER"}, {"orders", json::array()}}},
          {"distinct", true},
          {"is_operator", false},
          {"export_state", false},
          {"catalog", ""}};
}

// Typed as the parser types a number literal, so the re-parsed text compares equal.
json integer(int64_t v) {
  bool small = v >= std::numeric_limits<int32_t>::min() && v <= std::numeric_limits<int32_t>::max();
  return {{"class", "CONSTANT"},
          {"type", "VALUE_CONSTANT"},
          {"alias", ""},
          {"query_location", kNoLocation},
          {"value",
           {{"type", {{"id", small ? "INTEGER" : "BIGINT"}, {"type_info", nullptr}}},
            {"is_null", false},
            {"value", v}}}};
}

json at_least(json left, json right) {
  return {{"class", "COMPARISON"},
          {"type", "COMPARE_GREATERTHANOREQUALTO"},
          {"alias", ""},
          {"query_location", kNoLocation},
          {"left", std::move(left)},
          {"right", std::move(right)}};
}

json all_of(json children) {
  return {{"class", "CONJUNCTION"},
          {"type", "CONJUNCTION_AND"},
          {"alias", ""},
          {"query_location", kNoLocation},
          {"children", std::move(children)}};
}

std::string quoted(const std::string& name) {
  std::string out = "\"";
  for (char c : name) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

// SQL text that parses to exactly the nodes above.
std::string kept_text(const std::vector<KeptCondition>& conditions) {
  std::string out;
  for (const auto& c : conditions) {
    if (!out.empty()) out += " AND ";
    out += "count(DISTINCT " + (c.relation.empty() ? "" : quoted(c.relation) + ".") +
           quoted(c.column) + ") >= " + std::to_string(c.minimum);
  }
  return "(" + out + ") AS " + std::string(kKeptColumn);
}

bool is_word(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         static_cast<unsigned char>(c) >= 0x80;
}

// Where the first FROM outside parentheses, strings, quoted names and comments starts: the end
// of the outermost SELECT list in the usual `SELECT ... FROM` order. A wrong guess (FROM-first
// syntax, `a IS DISTINCT FROM b` in the list) only fails the comparison that follows.
std::optional<size_t> outermost_from(std::string_view sql) {
  int depth = 0;
  size_t i = 0, n = sql.size();
  while (i < n) {
    char c = sql[i];
    if (c == '-' && i + 1 < n && sql[i + 1] == '-') {
      while (i < n && sql[i] != '\n') ++i;
    } else if (c == '/' && i + 1 < n && sql[i + 1] == '*') {
      int nested = 1;
      i += 2;
      while (i < n && nested > 0) {
        if (sql[i] == '/' && i + 1 < n && sql[i + 1] == '*') {
          ++nested;
          i += 2;
        } else if (sql[i] == '*' && i + 1 < n && sql[i + 1] == '/') {
          --nested;
          i += 2;
        } else {
          ++i;
        }
      }
    } else if (c == '\'' || c == '"') {
      for (++i; i < n; ++i) {
        if (sql[i] != c) continue;
        if (i + 1 < n && sql[i + 1] == c) {
          ++i;
          continue;
        }
        break;
      }
      ++i;
    } else if (c == '$') {
      return std::nullopt;  // dollar-quoted strings: leave them to DuckDB's renderer
    } else if (c == '(') {
      ++depth;
      ++i;
    } else if (c == ')') {
      --depth;
      ++i;
    } else if (is_word(c)) {
      size_t start = i;
      while (i < n && is_word(sql[i])) ++i;
      if (depth == 0 && same_name(sql.substr(start, i - start), "from")) return start;
    } else {
      ++i;
    }
  }
  return std::nullopt;
}

}  // namespace

Result<std::string> add_kept_column(std::string_view sql, const json& tree,
                                    const std::vector<KeptCondition>& conditions,
                                    const EquatedColumns& equated) {
  // Columns known equal on every row, as classes: each column's class is found by following
  // `equated` to a fixed point (a handful of columns, so a simple closure does).
  auto same_column = [](const std::pair<std::string, std::string>& a,
                        const std::pair<std::string, std::string>& b) {
    return same_name(a.first, b.first) && same_name(a.second, b.second);
  };
  auto equal_columns = [&](const KeptCondition& x, const KeptCondition& y) {
    std::vector<std::pair<std::string, std::string>> reach = {{x.relation, x.column}};
    for (size_t i = 0; i < reach.size(); ++i)
      for (const auto& [l, r] : equated)
        for (const auto& [from, to] : {std::pair{l, r}, std::pair{r, l}})
          if (same_column(reach[i], from) &&
              std::none_of(reach.begin(), reach.end(),
                           [&](const auto& c) { return same_column(c, to); }))
            reach.push_back(to);
    return std::any_of(reach.begin(), reach.end(), [&](const auto& c) {
      return same_column(c, {y.relation, y.column});
    });
  };
  // The strictest minimum per column (per class of equal columns).
  std::vector<KeptCondition> merged;
  for (const auto& c : conditions) {
    bool found = false;
    for (auto& m : merged)
      if (equal_columns(m, c)) {
        m.minimum = std::max(m.minimum, c.minimum);
        found = true;
      }
    if (!found) merged.push_back(c);
  }
  if (merged.empty()) return Error::internal("no condition to enforce");

  json children = json::array();
  for (const auto& c : merged)
    children.push_back(
        at_least(count_distinct(column_ref(c.relation, c.column)), integer(c.minimum)));
  json kept = children.size() == 1 ? std::move(children[0]) : all_of(std::move(children));
  kept["alias"] = kKeptColumn;

  json rewritten = tree;
  json& node = rewritten["statements"][0]["node"];
  if (node_type(node) != "SELECT_NODE" || !node["select_list"].is_array())
    return Error::internal("only a SELECT can carry the kept column");
  node["select_list"].push_back(std::move(kept));

  // The query's own text with the item written in: one parse to confirm it.
  if (auto from = outermost_from(sql)) {
    std::string spliced = std::string(sql.substr(0, *from)) + ", " + kept_text(merged) + " " +
                          std::string(sql.substr(*from));
    auto again = parse_sql(spliced);
    if (again.ok() && same_tree((*again)["statements"], rewritten["statements"])) return spliced;
  }

  CR_ASSIGN(RenderedSql rendered, render_sql(rewritten));
  const json& again = member(rendered.reparsed, "statements");
  if (!again.is_array() || again.size() != 1 || !same_tree(again, rewritten["statements"]))
    return invalid_query(
        "cleanroom could not rewrite this query so that its output constraints are enforced "
        "exactly as checked; simplify the query");
  return std::move(rendered.sql);
}

}  // namespace cleanroom::policy
