#include "policy/sql_tree.h"

#include <algorithm>

namespace cleanroom::policy {

Error invalid_query(std::string message) { return Error::invalid_query(std::move(message)); }

std::string SqlText::at(const json& node) const {
  auto loc = location(node);
  if (!loc || *loc > sql_.size()) return "";
  // Count characters, not bytes: UTF-8 continuation bytes do not start a character.
  size_t chars = 0;
  for (size_t i = 0; i < *loc; ++i)
    if ((static_cast<unsigned char>(sql_[i]) & 0xC0) != 0x80) ++chars;
  return " at character " + std::to_string(chars + 1);
}

Error SqlText::error(const json& node, const std::string& message) const {
  return invalid_query(message + at(node));
}

const json& member(const json& node, const char* name) {
  static const json null_value;
  if (!node.is_object()) return null_value;
  auto it = node.find(name);
  return it == node.end() ? null_value : *it;
}

std::string_view str(const json& node, const char* name) {
  const json& m = member(node, name);
  return m.is_string() ? std::string_view(m.get_ref<const std::string&>()) : std::string_view();
}

std::string_view node_class(const json& expr) { return str(expr, "class"); }
std::string_view node_type(const json& node) { return str(node, "type"); }

std::optional<uint64_t> location(const json& node) {
  const json& m = member(node, "query_location");
  if (!m.is_number_unsigned() && !m.is_number_integer()) return std::nullopt;
  uint64_t v = m.get<uint64_t>();
  // DuckDB writes the largest uint64 for "no position".
  if (v == UINT64_MAX) return std::nullopt;
  return v;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

bool same_name(std::string_view a, std::string_view b) {
  return a.size() == b.size() && lower(a) == lower(b);
}

bool is_reserved_name(std::string_view name) {
  return name.size() >= kReservedPrefix.size() &&
         same_name(name.substr(0, kReservedPrefix.size()), kReservedPrefix);
}

namespace {

bool is_default(const json& v) {
  if (v.is_null()) return true;
  if (v.is_boolean()) return !v.get<bool>();
  if (v.is_string()) return v.get_ref<const std::string&>().empty();
  if (v.is_array() || v.is_object()) return v.empty();
  return false;
}

}  // namespace

Status expect_only(const SqlText& sql, const json& node,
                   std::initializer_list<const char*> understood, std::string_view what) {
  if (!node.is_object()) return invalid_query("malformed parse tree: " + std::string(what));
  for (const auto& [name, value] : node.items()) {
    if (name == "class" || name == "type" || name == "query_location") continue;
    bool known =
        std::any_of(understood.begin(), understood.end(), [&](const char* u) { return name == u; });
    if (!known && !is_default(value))
      return sql.error(node,
                       "unsupported SQL feature (" + std::string(what) + " with " + name + ")");
  }
  return {};
}

bool is_values_node(const json& node) {
  if (node_type(node) != "SELECT_NODE" ||
      node_type(member(node, "from_table")) != "EXPRESSION_LIST")
    return false;
  const json& items = member(node, "select_list");
  if (!items.is_array() || items.size() != 1 || node_class(items[0]) != "STAR") return false;
  const json& star = items[0];
  for (const char* k : {"exclude_list", "replace_list", "qualified_exclude_list", "rename_list"})
    if (!member(star, k).empty()) return false;
  if (!str(star, "relation_name").empty() || !member(star, "expr").is_null() ||
      member(star, "columns") == true)
    return false;
  for (const char* k : {"where_clause", "having", "qualify"})
    if (!member(node, k).is_null()) return false;
  return member(node, "group_expressions").empty() && member(node, "modifiers").empty() &&
         member(member(node, "cte_map"), "map").empty();
}

void unwrap_rendered_values(json& tree) {
  if (tree.is_array()) {
    for (auto& v : tree) unwrap_rendered_values(v);
    return;
  }
  if (!tree.is_object()) return;
  // SELECT * FROM (<values node>) AS valueslist: the values node itself.
  const json& from = member(tree, "from_table");
  if (node_type(tree) == "SELECT_NODE" && node_type(from) == "SUBQUERY" &&
      str(from, "alias") == std::string_view("valueslist") &&
      member(from, "column_name_alias").empty() &&
      is_values_node(member(member(from, "subquery"), "node"))) {
    json inner = member(member(from, "subquery"), "node");
    json outer = tree;
    outer["from_table"] = inner["from_table"];
    if (is_values_node(outer)) {
      tree = std::move(inner);
      return;
    }
  }
  for (auto& [k, v] : tree.items()) unwrap_rendered_values(v);
}

bool same_tree(const json& a, const json& b) {
  if (a.type() != b.type()) {
    // Numbers may come back signed or unsigned.
    if (a.is_number_integer() && b.is_number_integer()) return a == b;
    return false;
  }
  if (a.is_object()) {
    size_t compared_a = 0;
    for (const auto& [k, v] : a.items()) {
      if (k == "query_location") continue;
      ++compared_a;
      auto it = b.find(k);
      if (it == b.end() || !same_tree(v, *it)) return false;
    }
    size_t compared_b = 0;
    for (const auto& [k, v] : b.items())
      if (k != "query_location") ++compared_b;
    return compared_a == compared_b;
  }
  if (a.is_array()) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i)
      if (!same_tree(a[i], b[i])) return false;
    return true;
  }
  return a == b;
}

std::optional<int64_t> integer_constant(const json& expr) {
  if (node_class(expr) != "CONSTANT") return std::nullopt;
  const json& value = member(expr, "value");
  if (member(value, "is_null") == true) return std::nullopt;
  std::string_view id = str(member(value, "type"), "id");
  if (id != "TINYINT" && id != "SMALLINT" && id != "INTEGER" && id != "BIGINT") return std::nullopt;
  const json& v = member(value, "value");
  if (!v.is_number_integer()) return std::nullopt;
  return v.get<int64_t>();
}

std::string output_name(const json& item) {
  std::string alias(str(item, "alias"));
  if (!alias.empty()) return alias;
  if (node_class(item) == "COLUMN_REF") {
    const json& names = member(item, "column_names");
    if (names.is_array() && !names.empty() && names.back().is_string())
      return names.back().get<std::string>();
  }
  return "";
}

}  // namespace cleanroom::policy
