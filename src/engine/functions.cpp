#include "engine/functions.h"

#include "engine/sha256.h"

namespace cleanroom::engine {
namespace {

using ScalarFunctionHandle = Handle<duckdb_scalar_function, duckdb_destroy_scalar_function>;

void sha256_hex_function(duckdb_function_info, duckdb_data_chunk input, duckdb_vector output) {
  idx_t rows = duckdb_data_chunk_get_size(input);
  duckdb_vector in = duckdb_data_chunk_get_vector(input, 0);
  auto* strings = static_cast<duckdb_string_t*>(duckdb_vector_get_data(in));
  uint64_t* in_valid = duckdb_vector_get_validity(in);
  uint64_t* out_valid = nullptr;
  char hex[64];
  for (idx_t row = 0; row < rows; row++) {
    if (in_valid && !duckdb_validity_row_is_valid(in_valid, row)) {
      if (!out_valid) {
        duckdb_vector_ensure_validity_writable(output);
        out_valid = duckdb_vector_get_validity(output);
      }
      duckdb_validity_set_row_invalid(out_valid, row);
      continue;
    }
    sha256_hex({duckdb_string_t_data(&strings[row]), duckdb_string_t_length(strings[row])}, hex);
    duckdb_vector_assign_string_element_len(output, row, hex, sizeof(hex));
  }
}

}  // namespace

Status register_functions(duckdb_connection con) {
  ScalarFunctionHandle f(duckdb_create_scalar_function());
  LogicalTypeHandle varchar(duckdb_create_logical_type(DUCKDB_TYPE_VARCHAR));
  duckdb_scalar_function_set_name(f.get(), "cleanroom_sha256");
  duckdb_scalar_function_add_parameter(f.get(), varchar.get());
  duckdb_scalar_function_set_return_type(f.get(), varchar.get());
  duckdb_scalar_function_set_function(f.get(), sha256_hex_function);
  if (duckdb_register_scalar_function(con, f.get()) != DuckDBSuccess)
    return Error::internal("cannot register cleanroom_sha256");
  return {};
}

}  // namespace cleanroom::engine
