#include "engine/query_result.h"

#include "engine/engine_state.h"

namespace cleanroom::engine {
namespace {

ColumnType column_type_of(duckdb_type t) {
  switch (t) {
    case DUCKDB_TYPE_BOOLEAN:
      return ColumnType::Boolean;
    case DUCKDB_TYPE_TINYINT:
    case DUCKDB_TYPE_SMALLINT:
    case DUCKDB_TYPE_INTEGER:
    case DUCKDB_TYPE_BIGINT:
    case DUCKDB_TYPE_UTINYINT:
    case DUCKDB_TYPE_USMALLINT:
    case DUCKDB_TYPE_UINTEGER:
    case DUCKDB_TYPE_UBIGINT:
      return ColumnType::Integer;
    case DUCKDB_TYPE_FLOAT:
    case DUCKDB_TYPE_DOUBLE:
      return ColumnType::Double;
    case DUCKDB_TYPE_VARCHAR:
      return ColumnType::Varchar;
    case DUCKDB_TYPE_BLOB:
      return ColumnType::Blob;
    case DUCKDB_TYPE_DATE:
      return ColumnType::Date;
    case DUCKDB_TYPE_TIMESTAMP:
    case DUCKDB_TYPE_TIMESTAMP_TZ:
      return ColumnType::Timestamp;
    default:
      return ColumnType::Other;
  }
}

}  // namespace

QueryResult make_result(ResultHandle r) {
  auto s = std::make_unique<ResultState>();
  s->result = std::move(r);
  idx_t n = duckdb_column_count(s->result.get());
  for (idx_t i = 0; i < n; i++) {
    const char* name = duckdb_column_name(s->result.get(), i);
    s->names.emplace_back(name ? name : "");
    s->raw_types.push_back(duckdb_column_type(s->result.get(), i));
    s->types.push_back(column_type_of(s->raw_types.back()));
  }
  return QueryResult(std::move(s));
}

// --- Chunk ------------------------------------------------------------------------------------

Chunk::Chunk(std::unique_ptr<ChunkState> s) : s_(std::move(s)) {}
Chunk::~Chunk() = default;
Chunk::Chunk(Chunk&&) noexcept = default;
Chunk& Chunk::operator=(Chunk&&) noexcept = default;

size_t Chunk::row_count() const { return s_->rows; }
size_t Chunk::column_count() const { return s_->columns.size(); }

bool Chunk::is_null(size_t col, size_t row) const {
  const uint64_t* v = s_->columns[col].validity;
  return v && !((v[row / 64] >> (row % 64)) & 1);
}

bool Chunk::get_bool(size_t col, size_t row) const {
  return static_cast<bool*>(s_->columns[col].data)[row];
}

int64_t Chunk::get_int64(size_t col, size_t row) const {
  const ColumnView& c = s_->columns[col];
  switch (c.type) {
    case DUCKDB_TYPE_TINYINT:
      return static_cast<int8_t*>(c.data)[row];
    case DUCKDB_TYPE_SMALLINT:
      return static_cast<int16_t*>(c.data)[row];
    case DUCKDB_TYPE_INTEGER:
    case DUCKDB_TYPE_DATE:
      return static_cast<int32_t*>(c.data)[row];
    case DUCKDB_TYPE_UTINYINT:
      return static_cast<uint8_t*>(c.data)[row];
    case DUCKDB_TYPE_USMALLINT:
      return static_cast<uint16_t*>(c.data)[row];
    case DUCKDB_TYPE_UINTEGER:
      return static_cast<uint32_t*>(c.data)[row];
    case DUCKDB_TYPE_UBIGINT:
      return static_cast<int64_t>(static_cast<uint64_t*>(c.data)[row]);
    default:
      return static_cast<int64_t*>(c.data)[row];  // BIGINT, TIMESTAMP(_TZ)
  }
}

double Chunk::get_double(size_t col, size_t row) const {
  const ColumnView& c = s_->columns[col];
  if (c.type == DUCKDB_TYPE_FLOAT) return static_cast<float*>(c.data)[row];
  return static_cast<double*>(c.data)[row];
}

std::string_view Chunk::get_string(size_t col, size_t row) const {
  auto* s = &static_cast<duckdb_string_t*>(s_->columns[col].data)[row];
  return {duckdb_string_t_data(s), duckdb_string_t_length(*s)};
}

Value Chunk::value(size_t col, size_t row) const {
  if (is_null(col, row)) return std::monostate{};
  switch (column_type_of(s_->columns[col].type)) {
    case ColumnType::Boolean:
      return get_bool(col, row);
    case ColumnType::Integer:
    case ColumnType::Date:
    case ColumnType::Timestamp:
      return get_int64(col, row);
    case ColumnType::Double:
      return get_double(col, row);
    case ColumnType::Varchar:
    case ColumnType::Blob:
      return std::string(get_string(col, row));
    case ColumnType::Other:
      break;
  }
  return std::monostate{};
}

// --- QueryResult ------------------------------------------------------------------------------

QueryResult::QueryResult(std::unique_ptr<ResultState> s) : s_(std::move(s)) {}
QueryResult::~QueryResult() = default;
QueryResult::QueryResult(QueryResult&&) noexcept = default;
QueryResult& QueryResult::operator=(QueryResult&&) noexcept = default;

size_t QueryResult::column_count() const { return s_->names.size(); }
const std::string& QueryResult::column_name(size_t col) const { return s_->names[col]; }
ColumnType QueryResult::column_type(size_t col) const { return s_->types[col]; }

Result<std::optional<Chunk>> QueryResult::next_chunk() {
  ChunkHandle chunk(duckdb_fetch_chunk(*s_->result.get()));
  if (!chunk) {
    // A streaming result reports a failure that happened after its first chunk here.
    if (duckdb_result_error(s_->result.get())) return error_of(s_->result.get());
    return std::optional<Chunk>();
  }
  auto c = std::make_unique<ChunkState>();
  c->rows = duckdb_data_chunk_get_size(chunk.get());
  for (size_t i = 0; i < s_->raw_types.size(); i++) {
    duckdb_vector v = duckdb_data_chunk_get_vector(chunk.get(), i);
    c->columns.push_back(
        {s_->raw_types[i], duckdb_vector_get_data(v), duckdb_vector_get_validity(v)});
  }
  c->chunk = std::move(chunk);
  return std::optional<Chunk>(Chunk(std::move(c)));
}

Result<std::vector<std::vector<Value>>> QueryResult::rows() {
  for (size_t i = 0; i < s_->types.size(); i++)
    if (s_->types[i] == ColumnType::Other)
      return Error::internal("column " + s_->names[i] +
                             " has a type rows() cannot read; cast it in SQL");
  std::vector<std::vector<Value>> out;
  for (;;) {
    CR_ASSIGN(auto chunk, next_chunk());
    if (!chunk) return out;
    for (size_t r = 0; r < chunk->row_count(); r++) {
      std::vector<Value> row;
      row.reserve(chunk->column_count());
      for (size_t c = 0; c < chunk->column_count(); c++) row.push_back(chunk->value(c, r));
      out.push_back(std::move(row));
    }
  }
}

}  // namespace cleanroom::engine
