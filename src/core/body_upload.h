#pragma once
// The work of an upload job (core/upload_jobs.h) whose data came in a request body: both faces
// queue it the same way.
#include <memory>
#include <string>

#include "core/context.h"
#include "core/datasets.h"
#include "core/upload_jobs.h"
#include "data/memory_file.h"

namespace cleanroom::core {

// Ingests `body` into the account's table as `req` says, reporting progress. The work holds the
// file (in memory: raw identity values never reach disk) and the context only, so it may outlive
// the services that queued it.
UploadWork body_upload_work(Context& ctx, std::string account, UploadRequest req,
                            std::shared_ptr<const data::MemoryFile> body);

}  // namespace cleanroom::core
