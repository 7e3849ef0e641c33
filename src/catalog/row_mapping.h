#pragma once
// Maps query results to records with a row-to-record function; shared by every repository.
#include <optional>
#include <string_view>
#include <vector>

#include "catalog/database.h"

namespace cleanroom::catalog {

template <typename T, typename F>
Result<std::optional<T>> fetch_one(Tx& tx, std::string_view sql, const std::vector<Value>& args, F from) {
  CR_ASSIGN(auto row, tx.query_one(sql, args));
  if (!row) return std::optional<T>{};
  return std::optional<T>(from(*row));
}

template <typename T, typename F>
Result<std::vector<T>> fetch_all(Tx& tx, std::string_view sql, const std::vector<Value>& args, F from) {
  CR_ASSIGN(auto rows, tx.query(sql, args));
  std::vector<T> out;
  out.reserve(rows.size());
  for (const auto& r : rows) out.push_back(from(r));
  return out;
}

}  // namespace cleanroom::catalog
