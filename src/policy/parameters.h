#pragma once
// Parameters bound on the parse tree, never spliced into text (DESIGN.md "Privacy controls"):
// the SQL is parsed by DuckDB with its parameter markers in place, every marker node is replaced
// by a constant expression, and DuckDB renders the tree again. A value can only ever be a
// constant, whatever quotes, comments or dollar signs it holds, and whatever the caller's
// tokenizer made of the text around it.
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "common/error.h"

namespace cleanroom::policy {

// Answers the constant expression that replaces `node`, or nullopt to leave it (and look inside).
using ParameterBinder =
    std::function<Result<std::optional<nlohmann::json>>(const nlohmann::json& node)>;

// `sql` parsed (one SELECT), each node `bind` answers for replaced, rendered again.
Result<std::string> bind_in_tree(std::string_view sql, const ParameterBinder& bind);

// A VARCHAR constant node.
nlohmann::json text_constant(const std::string& value);

// The expression node of `literal_sql` (such as DATE '2024-01-01', -5, [1, 2], 'it''s'), which
// must be made of constants, casts of constants and lists of them only.
Result<nlohmann::json> literal_expression(const std::string& literal_sql);

}  // namespace cleanroom::policy
