#include "engine/people_check.h"

#include <algorithm>
#include <cstring>
#include <utility>

#include "common/sql_names.h"
#include "engine/people_check_function.h"

namespace cleanroom::engine {
namespace {

inline uint64_t rotl(uint64_t x, int b) { return (x << b) | (x >> (64 - b)); }

inline void sip_round(uint64_t& v0, uint64_t& v1, uint64_t& v2, uint64_t& v3) {
  v0 += v1;
  v1 = rotl(v1, 13);
  v1 ^= v0;
  v0 = rotl(v0, 32);
  v2 += v3;
  v3 = rotl(v3, 16);
  v3 ^= v2;
  v0 += v3;
  v3 = rotl(v3, 21);
  v3 ^= v0;
  v2 += v1;
  v1 = rotl(v1, 17);
  v1 ^= v2;
  v2 = rotl(v2, 32);
}

uint64_t load_le64(const unsigned char* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

// LSD radix sort of 64-bit keys, 16 bits a pass: a large group's millions of hashes sort
// several times faster than with std::sort.
void radix_sort(std::vector<uint64_t>& v) {
  std::vector<uint64_t> tmp(v.size());
  std::vector<size_t> count(1 << 16);
  for (int shift = 0; shift < 64; shift += 16) {
    std::fill(count.begin(), count.end(), 0);
    for (uint64_t x : v) ++count[(x >> shift) & 0xffff];
    size_t at = 0;
    for (auto& c : count) at += std::exchange(c, at);
    for (uint64_t x : v) tmp[count[(x >> shift) & 0xffff]++] = x;
    v.swap(tmp);
  }
}

// __cleanroom_people: each row's id hashed as it comes (the aggregate sees every row, not only
// distinct ones: cheaper than DuckDB's DISTINCT), made distinct and sorted once at the end.
struct PeopleState {
  std::vector<uint64_t>* hashes;
};

idx_t people_state_size(duckdb_function_info) { return sizeof(PeopleState); }

void people_init(duckdb_function_info, duckdb_aggregate_state state) {
  reinterpret_cast<PeopleState*>(state)->hashes = nullptr;
}

void people_destroy(duckdb_aggregate_state* states, idx_t count) {
  for (idx_t i = 0; i < count; ++i) {
    auto* s = reinterpret_cast<PeopleState*>(states[i]);
    delete s->hashes;
    s->hashes = nullptr;
  }
}

void people_update(duckdb_function_info info, duckdb_data_chunk input,
                   duckdb_aggregate_state* states) {
  const auto& key =
      static_cast<PeopleCheck*>(duckdb_aggregate_function_get_extra_info(info))->key();
  const idx_t rows = duckdb_data_chunk_get_size(input);
  duckdb_vector ids = duckdb_data_chunk_get_vector(input, 0);
  auto* strings = static_cast<duckdb_string_t*>(duckdb_vector_get_data(ids));
  uint64_t* valid = duckdb_vector_get_validity(ids);
  for (idx_t row = 0; row < rows; ++row) {
    if (valid && !duckdb_validity_row_is_valid(valid, row)) continue;  // as COUNT(DISTINCT)
    auto* s = reinterpret_cast<PeopleState*>(states[row]);
    if (!s->hashes) s->hashes = new std::vector<uint64_t>();
    s->hashes->push_back(siphash24(
        key, {duckdb_string_t_data(&strings[row]), duckdb_string_t_length(strings[row])}));
  }
}

void people_combine(duckdb_function_info, duckdb_aggregate_state* source,
                    duckdb_aggregate_state* target, idx_t count) {
  for (idx_t i = 0; i < count; ++i) {
    auto* from = reinterpret_cast<PeopleState*>(source[i]);
    auto* to = reinterpret_cast<PeopleState*>(target[i]);
    if (!from->hashes) continue;
    if (!to->hashes) {
      to->hashes = std::exchange(from->hashes, nullptr);
      continue;
    }
    to->hashes->insert(to->hashes->end(), from->hashes->begin(), from->hashes->end());
  }
}

void people_finalize(duckdb_function_info, duckdb_aggregate_state* source, duckdb_vector result,
                     idx_t count, idx_t offset) {
  for (idx_t i = 0; i < count; ++i) {
    auto* s = reinterpret_cast<PeopleState*>(source[i]);
    std::vector<uint64_t> none;
    std::vector<uint64_t>& v = s->hashes ? *s->hashes : none;
    radix_sort(v);
    v.erase(std::unique(v.begin(), v.end()), v.end());
    duckdb_vector_assign_string_element_len(
        result, offset + i, reinterpret_cast<const char*>(v.data()), v.size() * sizeof(uint64_t));
  }
}

void admit_people_function(duckdb_function_info info, duckdb_data_chunk input,
                           duckdb_vector output) {
  auto* check = static_cast<PeopleCheck*>(duckdb_scalar_function_get_extra_info(info));
  const idx_t rows = duckdb_data_chunk_get_size(input);
  duckdb_vector sets = duckdb_data_chunk_get_vector(input, 0);
  duckdb_vector minimums = duckdb_data_chunk_get_vector(input, 1);
  auto* blobs = static_cast<duckdb_string_t*>(duckdb_vector_get_data(sets));
  uint64_t* sets_valid = duckdb_vector_get_validity(sets);
  auto* minimum = static_cast<int64_t*>(duckdb_vector_get_data(minimums));
  uint64_t* minimum_valid = duckdb_vector_get_validity(minimums);
  auto* verdict = static_cast<bool*>(duckdb_vector_get_data(output));
  for (idx_t row = 0; row < rows; ++row) {
    verdict[row] = true;
    if ((sets_valid && !duckdb_validity_row_is_valid(sets_valid, row)) ||
        (minimum_valid && !duckdb_validity_row_is_valid(minimum_valid, row)))
      continue;
    const size_t n = duckdb_string_t_length(blobs[row]) / sizeof(uint64_t);
    // Under the minimum: the threshold beside the check removes the group; never compared.
    if (static_cast<int64_t>(n) < minimum[row]) continue;
    std::vector<uint64_t> people(n);
    std::memcpy(people.data(), duckdb_string_t_data(&blobs[row]), n * sizeof(uint64_t));
    verdict[row] = check->admit(std::move(people), minimum[row]);
  }
}

}  // namespace

uint64_t siphash24(const SipKey& key, std::string_view data) {
  uint64_t v0 = 0x736f6d6570736575ULL ^ key[0];
  uint64_t v1 = 0x646f72616e646f6dULL ^ key[1];
  uint64_t v2 = 0x6c7967656e657261ULL ^ key[0];
  uint64_t v3 = 0x7465646279746573ULL ^ key[1];
  const auto* p = reinterpret_cast<const unsigned char*>(data.data());
  const size_t n = data.size();
  const size_t whole = n - n % 8;
  for (size_t i = 0; i < whole; i += 8) {
    const uint64_t m = load_le64(p + i);
    v3 ^= m;
    sip_round(v0, v1, v2, v3);
    sip_round(v0, v1, v2, v3);
    v0 ^= m;
  }
  uint64_t last = static_cast<uint64_t>(n & 0xff) << 56;
  for (size_t i = 0; i < n % 8; ++i) last |= static_cast<uint64_t>(p[whole + i]) << (8 * i);
  v3 ^= last;
  sip_round(v0, v1, v2, v3);
  sip_round(v0, v1, v2, v3);
  v0 ^= last;
  v2 ^= 0xff;
  for (int i = 0; i < 4; ++i) sip_round(v0, v1, v2, v3);
  return v0 ^ v1 ^ v2 ^ v3;
}

Status register_people_check(duckdb_connection con, PeopleCheck& check) {
  using ScalarFunctionHandle = Handle<duckdb_scalar_function, duckdb_destroy_scalar_function>;
  using AggregateFunctionHandle =
      Handle<duckdb_aggregate_function, duckdb_destroy_aggregate_function>;
  LogicalTypeHandle varchar(duckdb_create_logical_type(DUCKDB_TYPE_VARCHAR));
  LogicalTypeHandle blob(duckdb_create_logical_type(DUCKDB_TYPE_BLOB));
  LogicalTypeHandle bigint(duckdb_create_logical_type(DUCKDB_TYPE_BIGINT));
  LogicalTypeHandle boolean(duckdb_create_logical_type(DUCKDB_TYPE_BOOLEAN));

  AggregateFunctionHandle people(duckdb_create_aggregate_function());
  const std::string people_name(kPeopleAggregate);
  duckdb_aggregate_function_set_name(people.get(), people_name.c_str());
  duckdb_aggregate_function_add_parameter(people.get(), varchar.get());
  duckdb_aggregate_function_set_return_type(people.get(), blob.get());
  duckdb_aggregate_function_set_functions(people.get(), people_state_size, people_init,
                                          people_update, people_combine, people_finalize);
  duckdb_aggregate_function_set_destructor(people.get(), people_destroy);
  duckdb_aggregate_function_set_extra_info(people.get(), &check, nullptr);
  if (duckdb_register_aggregate_function(con, people.get()) != DuckDBSuccess)
    return Error::internal("cannot register " + people_name);

  ScalarFunctionHandle f(duckdb_create_scalar_function());
  const std::string name(kAdmitPeopleFunction);
  duckdb_scalar_function_set_name(f.get(), name.c_str());
  duckdb_scalar_function_add_parameter(f.get(), blob.get());
  duckdb_scalar_function_add_parameter(f.get(), bigint.get());
  duckdb_scalar_function_set_return_type(f.get(), boolean.get());
  // Every group is asked, never a cached or folded answer: the verdict depends on the history.
  duckdb_scalar_function_set_volatile(f.get());
  duckdb_scalar_function_set_extra_info(f.get(), &check, nullptr);
  duckdb_scalar_function_set_function(f.get(), admit_people_function);
  if (duckdb_register_scalar_function(con, f.get()) != DuckDBSuccess)
    return Error::internal("cannot register " + name);
  return {};
}

}  // namespace cleanroom::engine
