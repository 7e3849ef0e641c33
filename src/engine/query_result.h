#pragma once
// Reading a query's answer chunk by chunk: each chunk holds up to a vector's worth of rows,
// column by column, with a validity mask per column (STYLE.md: never the deprecated per-value
// accessors). No DuckDB type appears here (DESIGN.md "Scale-out").
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/error.h"

namespace cleanroom::engine {

// Column types the wrapper reads natively. Anything else (DECIMAL, LIST, STRUCT, ...) is Other:
// cast it in SQL (e.g. to VARCHAR or DOUBLE) to read it.
enum class ColumnType { Boolean, Integer, Double, Varchar, Blob, Date, Timestamp, Other };

// One cell: NULL, or a value of one of the native types. Dates are days since 1970-01-01,
// timestamps microseconds since the epoch.
using Value = std::variant<std::monostate, bool, int64_t, double, std::string>;

struct ChunkState;
struct ResultState;
class ResultHandle;

class Chunk {
 public:
  ~Chunk();
  Chunk(Chunk&&) noexcept;
  Chunk& operator=(Chunk&&) noexcept;

  size_t row_count() const;
  size_t column_count() const;
  bool is_null(size_t col, size_t row) const;
  // Typed reads; the column must have the matching type and the cell must not be NULL.
  bool get_bool(size_t col, size_t row) const;
  int64_t get_int64(size_t col, size_t row) const;  // Integer, Date, Timestamp
  double get_double(size_t col, size_t row) const;
  std::string_view get_string(size_t col,
                              size_t row) const;  // Varchar, Blob; valid while the chunk lives
  // Any native cell as a Value (monostate for NULL and for Other).
  Value value(size_t col, size_t row) const;

 private:
  friend class QueryResult;
  explicit Chunk(std::unique_ptr<ChunkState> s);
  std::unique_ptr<ChunkState> s_;
};

class QueryResult {
 public:
  ~QueryResult();
  QueryResult(QueryResult&&) noexcept;
  QueryResult& operator=(QueryResult&&) noexcept;

  size_t column_count() const;
  const std::string& column_name(size_t col) const;
  ColumnType column_type(size_t col) const;
  // The next chunk, or nullopt at the end. Fails when a streaming query fails midway.
  Result<std::optional<Chunk>> next_chunk();
  // Everything left, row by row: for small answers (tests, counts, DESCRIBE).
  Result<std::vector<std::vector<Value>>> rows();

 private:
  friend QueryResult make_result(ResultHandle r);
  explicit QueryResult(std::unique_ptr<ResultState> s);
  std::unique_ptr<ResultState> s_;
};

}  // namespace cleanroom::engine
