#pragma once
// A query result handed to the browser: the object at an s3://bucket/key location the core has
// shown the caller, read from the context's buckets (the local bucket folder or S3).
#include <string>

#include "api/http.h"
#include "core/core.h"

namespace cleanroom::api::console {

// Results larger than this are left in the bucket: the console holds a download in memory.
inline constexpr int64_t kMaxResultDownloadBytes = 64LL * 1024 * 1024;

// The object as an attachment named `basename` plus its extension (.csv or .parquet).
Result<Response> result_file(core::Services& s, const std::string& location,
                             const std::string& basename);

}  // namespace cleanroom::api::console
