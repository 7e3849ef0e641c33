#include "core/body_upload.h"

namespace cleanroom::core {

UploadWork body_upload_work(Context& ctx, std::string account, UploadRequest req,
                            std::shared_ptr<const data::MemoryFile> body) {
  return [&ctx, account = std::move(account), req = std::move(req),
          body = std::move(body)](const data::ProgressCallback& progress) {
    UploadRequest r = req;
    r.source_path = body->path();
    r.progress = progress;
    return DatasetService(ctx).upload(account, r);
  };
}

}  // namespace cleanroom::core
