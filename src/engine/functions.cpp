#include "engine/functions.h"

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "engine/dp_noise.h"
#include "engine/sha256.h"

namespace cleanroom::engine {
namespace {

using ScalarFunctionHandle = Handle<duckdb_scalar_function, duckdb_destroy_scalar_function>;

void set_null(duckdb_vector output, uint64_t*& out_valid, idx_t row) {
  if (!out_valid) {
    duckdb_vector_ensure_validity_writable(output);
    out_valid = duckdb_vector_get_validity(output);
  }
  duckdb_validity_set_row_invalid(out_valid, row);
}

void sha256_hex_function(duckdb_function_info, duckdb_data_chunk input, duckdb_vector output) {
  idx_t rows = duckdb_data_chunk_get_size(input);
  duckdb_vector in = duckdb_data_chunk_get_vector(input, 0);
  auto* strings = static_cast<duckdb_string_t*>(duckdb_vector_get_data(in));
  uint64_t* in_valid = duckdb_vector_get_validity(in);
  uint64_t* out_valid = nullptr;
  char hex[64];
  for (idx_t row = 0; row < rows; row++) {
    if (in_valid && !duckdb_validity_row_is_valid(in_valid, row)) {
      set_null(output, out_valid, row);
      continue;
    }
    sha256_hex({duckdb_string_t_data(&strings[row]), duckdb_string_t_length(strings[row])}, hex);
    duckdb_vector_assign_string_element_len(output, row, hex, sizeof(hex));
  }
}

// Draws from OpenSSL a few hundred bytes at a time: one RAND_bytes call per chunk of rows, not
// per sample.
class BufferedBits final : public dp::RandomBits {
 public:
  explicit BufferedBits(dp::RandomBits& source) : source_(source) {}
  void fill(uint8_t* out, size_t n) override {
    while (n > 0) {
      if (used_ == sizeof(buffer_)) {
        source_.fill(buffer_, sizeof(buffer_));
        used_ = 0;
      }
      size_t k = std::min(n, sizeof(buffer_) - used_);
      std::memcpy(out, buffer_ + used_, k);
      used_ += k;
      out += k;
      n -= k;
    }
  }

 private:
  dp::RandomBits& source_;
  uint8_t buffer_[512];
  size_t used_ = sizeof(buffer_);
};

// cleanroom_dp_noise(scale BIGINT) -> BIGINT: one draw of discrete Laplace noise of that scale
// per row (dp_noise.h), which the rewrite adds to an exact aggregate (policy/dp_rewrite.h). The
// analyst's SQL cannot name it (policy/sql_functions.h).
void dp_noise_function(duckdb_function_info info, duckdb_data_chunk input, duckdb_vector output) {
  idx_t rows = duckdb_data_chunk_get_size(input);
  duckdb_vector scales = duckdb_data_chunk_get_vector(input, 0);
  auto* scale = static_cast<int64_t*>(duckdb_vector_get_data(scales));
  uint64_t* scale_valid = duckdb_vector_get_validity(scales);
  auto* out = static_cast<int64_t*>(duckdb_vector_get_data(output));
  uint64_t* out_valid = nullptr;
  BufferedBits bits(dp::production_bits());
  try {
    for (idx_t row = 0; row < rows; row++) {
      if (scale_valid && !duckdb_validity_row_is_valid(scale_valid, row)) {
        set_null(output, out_valid, row);
        continue;
      }
      if (scale[row] < 1 || static_cast<uint64_t>(scale[row]) > dp::kMaxScale) {
        duckdb_scalar_function_set_error(info, "cleanroom_dp_noise: scale out of range");
        return;
      }
      out[row] = dp::discrete_laplace(bits, static_cast<uint64_t>(scale[row]));
    }
  } catch (...) {
    // The generator failed: no answer rather than one drawn from weaker randomness.
    duckdb_scalar_function_set_error(info, "cleanroom_dp_noise: no randomness available");
  }
}

// cleanroom_dp_random_key() -> BIGINT: 64 random bits per row, from OpenSSL. The rewrite orders a
// person's groups and rows by it to keep a random few (contribution bounding).
void dp_random_key_function(duckdb_function_info info, duckdb_data_chunk input,
                            duckdb_vector output) {
  idx_t rows = duckdb_data_chunk_get_size(input);
  auto* out = static_cast<int64_t*>(duckdb_vector_get_data(output));
  try {
    dp::production_bits().fill(reinterpret_cast<uint8_t*>(out), rows * sizeof(int64_t));
  } catch (...) {
    duckdb_scalar_function_set_error(info, "cleanroom_dp_random_key: no randomness available");
  }
}

struct Signature {
  const char* name;
  std::vector<duckdb_type> parameters;
  duckdb_type result;
  duckdb_scalar_function_t function;
  bool is_volatile;
};

Status register_one(duckdb_connection con, const Signature& s) {
  ScalarFunctionHandle f(duckdb_create_scalar_function());
  duckdb_scalar_function_set_name(f.get(), s.name);
  for (duckdb_type p : s.parameters) {
    LogicalTypeHandle type(duckdb_create_logical_type(p));
    duckdb_scalar_function_add_parameter(f.get(), type.get());
  }
  LogicalTypeHandle result(duckdb_create_logical_type(s.result));
  duckdb_scalar_function_set_return_type(f.get(), result.get());
  duckdb_scalar_function_set_function(f.get(), s.function);
  // Each call draws anew: never folded into a constant or shared between two calls.
  if (s.is_volatile) duckdb_scalar_function_set_volatile(f.get());
  if (duckdb_register_scalar_function(con, f.get()) != DuckDBSuccess)
    return Error::internal(std::string("cannot register ") + s.name);
  return {};
}

}  // namespace

Status register_functions(duckdb_connection con) {
  const Signature functions[] = {
      {"cleanroom_sha256", {DUCKDB_TYPE_VARCHAR}, DUCKDB_TYPE_VARCHAR, sha256_hex_function, false},
      {"cleanroom_dp_noise", {DUCKDB_TYPE_BIGINT}, DUCKDB_TYPE_BIGINT, dp_noise_function, true},
      {"cleanroom_dp_random_key", {}, DUCKDB_TYPE_BIGINT, dp_random_key_function, true},
  };
  for (const auto& f : functions) CR_TRY(register_one(con, f));
  return {};
}

}  // namespace cleanroom::engine
