#pragma once
// Reading DuckDB's JSON parse tree (json_serialize_sql): node kinds, positions, and the strict
// member check that makes the checker refuse whatever it was not written to understand (DESIGN.md:
// "Anything it does not understand is rejected").
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "common/error.h"

namespace cleanroom::policy {

using nlohmann::json;

// Prefix of every name the rewrite adds; a query may not use it for its own names.
inline constexpr std::string_view kReservedPrefix = "__cleanroom";

// A refusal of the query: Validation, reason INVALID_QUERY (clean-rooms-semantics.md, "Errors").
Error invalid_query(std::string message);

// The SQL text being checked, to turn a node's query_location into "at character N".
class SqlText {
 public:
  explicit SqlText(std::string_view sql) : sql_(sql) {}
  // " at character N" (1-based, in characters, not bytes) when the node has a position, else "".
  std::string at(const json& node) const;
  // invalid_query(message + at(node)).
  Error error(const json& node, const std::string& message) const;

 private:
  std::string_view sql_;
};

// Members of a node, "" or null when absent.
std::string_view str(const json& node, const char* member);
const json& member(const json& node, const char* name);  // null when absent
std::string_view node_class(const json& expr);           // an expression's "class"
std::string_view node_type(const json& node);            // "type"
std::optional<uint64_t> location(const json& node);

// Lower-case ASCII; identifiers match case-insensitively as in DuckDB.
std::string lower(std::string_view s);
bool same_name(std::string_view a, std::string_view b);
bool is_reserved_name(std::string_view name);

// Every member of `node` outside `understood` must hold its empty default (null, false, "",
// [] or {}); a member set to something else is a feature the checker does not know, and the
// query is refused naming it.
Status expect_only(const SqlText& sql, const json& node,
                   std::initializer_list<const char*> understood, std::string_view what);

// Equal trees, ignoring query_location (a rendered and re-parsed query has new positions).
bool same_tree(const json& a, const json& b);
// The name a select item answers under: its alias, else a column reference's column; "" for an
// unaliased expression (DuckDB names it after its text, which cannot be known here).
std::string output_name(const json& item);

// VALUES (...), (...) as DuckDB's parser writes it: SELECT * FROM an expression list, nothing else.
bool is_values_node(const json& node);
// DuckDB renders such a node as SELECT * FROM (VALUES ...) AS valueslist, which parses back one
// subquery deeper: the same rows. Takes that extra level out again, everywhere in `tree`.
void unwrap_rendered_values(json& tree);

// An integer constant (LIMIT 10, ORDER BY 2), or nullopt.
std::optional<int64_t> integer_constant(const json& expr);

}  // namespace cleanroom::policy
