#pragma once
// Maps query results to records with a row-to-record function; shared by every repository. A
// function may return T, or Result<T> when a column can hold what the record cannot (a state).
#include <optional>
#include <string_view>
#include <vector>

#include "catalog/database.h"
#include "common/states.h"

namespace cleanroom::catalog {

template <typename T, typename F>
Result<std::optional<T>> fetch_one(Tx& tx, std::string_view sql, const std::vector<Value>& args,
                                   F from) {
  CR_ASSIGN(auto row, tx.query_one(sql, args));
  if (!row) return std::optional<T>{};
  CR_ASSIGN(T value, Result<T>(from(*row)));
  return std::optional<T>(std::move(value));
}

template <typename T, typename F>
Result<std::vector<T>> fetch_all(Tx& tx, std::string_view sql, const std::vector<Value>& args,
                                 F from) {
  CR_ASSIGN(auto rows, tx.query(sql, args));
  std::vector<T> out;
  out.reserve(rows.size());
  for (const auto& r : rows) {
    CR_ASSIGN(T value, Result<T>(from(r)));
    out.push_back(std::move(value));
  }
  return out;
}

// An optional text column: "" is stored as NULL (and read back as "").
inline Value text_or_null(const std::string& s) { return s.empty() ? Value(nullptr) : Value(s); }

// A state column holds its wire name (common/states.h); any other text is the store's fault.
template <WireEnum E>
Result<E> state_column(const Row& r, std::string_view col) {
  const std::string text = r.str(col);
  if (auto value = parse_wire<E>(text)) return *value;
  return Error::internal("metadata store: column " + std::string(col) + " holds '" + text +
                         "', not a " + std::string(WireNames<E>::noun));
}

// A list filter bound as a parameter: "" (compared with ?N = '') means any.
template <WireEnum E>
Value state_filter(const std::optional<E>& state) {
  return state ? wire_string(*state) : std::string();
}

}  // namespace cleanroom::catalog
