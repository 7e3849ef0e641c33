#pragma once
// RAII owners of DuckDB C API handles, written once (STYLE.md "Embedding DuckDB"). Private to
// src/engine: no header outside this folder includes it, so no DuckDB type crosses the seam
// (DESIGN.md "Scale-out"). Each owner calls its duckdb_destroy_* on every path, including the
// error paths where DuckDB still allocated the handle (failed queries, failed prepares).
#include <duckdb.h>

#include <string>
#include <utility>

#include "common/error.h"

namespace cleanroom::engine {

template <typename H, void (*Destroy)(H*)>
class Handle {
 public:
  Handle() = default;
  explicit Handle(H h) : h_(h) {}
  ~Handle() { reset(); }
  Handle(Handle&& o) noexcept : h_(std::exchange(o.h_, nullptr)) {}
  Handle& operator=(Handle&& o) noexcept {
    if (this != &o) {
      reset();
      h_ = std::exchange(o.h_, nullptr);
    }
    return *this;
  }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;

  H get() const { return h_; }
  explicit operator bool() const { return h_ != nullptr; }
  // For the C API's out-parameters; whatever was held is destroyed first.
  H* out() {
    reset();
    return &h_;
  }
  void reset() {
    if (h_) Destroy(&h_);
    h_ = nullptr;
  }

 private:
  H h_ = nullptr;
};

using ConfigHandle = Handle<duckdb_config, duckdb_destroy_config>;
using DatabaseHandle = Handle<duckdb_database, duckdb_close>;
using ConnectionHandle = Handle<duckdb_connection, duckdb_disconnect>;
using PreparedHandle = Handle<duckdb_prepared_statement, duckdb_destroy_prepare>;
using ChunkHandle = Handle<duckdb_data_chunk, duckdb_destroy_data_chunk>;
using LogicalTypeHandle = Handle<duckdb_logical_type, duckdb_destroy_logical_type>;

// duckdb_result is a struct filled in place rather than a pointer, so it gets its own owner.
// It is destroyed even when the query failed: the failed result carries the error message.
class ResultHandle {
 public:
  ResultHandle() = default;
  ~ResultHandle() { reset(); }
  ResultHandle(ResultHandle&& o) noexcept : r_(o.r_), filled_(std::exchange(o.filled_, false)) {}
  ResultHandle& operator=(ResultHandle&& o) noexcept {
    if (this != &o) {
      reset();
      r_ = o.r_;
      filled_ = std::exchange(o.filled_, false);
    }
    return *this;
  }
  ResultHandle(const ResultHandle&) = delete;
  ResultHandle& operator=(const ResultHandle&) = delete;

  duckdb_result* out() {
    reset();
    filled_ = true;
    return &r_;
  }
  duckdb_result* get() { return &r_; }
  void reset() {
    if (filled_) duckdb_destroy_result(&r_);
    filled_ = false;
  }

 private:
  duckdb_result r_{};
  bool filled_ = false;
};

// The error of a failed statement as our Error: data problems the caller can fix are
// Validation, an interrupt is a cancellation, a full spill folder (EngineOptions::spill_limit) is
// QuotaExceeded, anything else is Internal.
inline Error error_of(duckdb_result* r) {
  const char* msg = duckdb_result_error(r);
  std::string message = msg ? msg : "unknown DuckDB error";
  switch (duckdb_result_error_type(r)) {
    case DUCKDB_ERROR_INTERRUPT:
      return Error::cancelled("interrupted");
    case DUCKDB_ERROR_OUT_OF_MEMORY:
      // DuckDB's text for it names the setting and the sizes spilled; ours is fixed, so that
      // whoever is shown it learns no more than that the limit was reached.
      if (message.find("'max_temp_directory_size'") != std::string::npos)
        return Error::quota_exceeded(
            "the statement needed more temporary disk than the engine's spill limit allows");
      return Error::internal(std::move(message));
    case DUCKDB_ERROR_CONVERSION:
    case DUCKDB_ERROR_INVALID_INPUT:
    case DUCKDB_ERROR_PARSER:
    case DUCKDB_ERROR_BINDER:
    case DUCKDB_ERROR_CATALOG:
    case DUCKDB_ERROR_CONSTRAINT:
    case DUCKDB_ERROR_OUT_OF_RANGE:
    case DUCKDB_ERROR_INVALID_TYPE:
    case DUCKDB_ERROR_MISMATCH_TYPE:
    case DUCKDB_ERROR_DIVIDE_BY_ZERO:
      return Error::validation(std::move(message));
    default:
      return Error::internal(std::move(message));
  }
}

}  // namespace cleanroom::engine
