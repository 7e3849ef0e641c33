#pragma once
// Dataset upload for the Clean Rooms principals, SigV4-signed like the Clean Rooms API and
// answering in its error shape (AWS Clean Rooms itself reads tables from Glue/S3, so this
// face has no counterpart in the service model):
//   PUT /datasets/{database}/{table}?format=csv|parquet|jsonl&columns=name:TYPE,...
//       &pii=column:type,...&country=US     the file as the body; queues an upload job and
//                                           answers it (202): core/dataset_uploads.h
//   GET /datasets/{database}/{table}/uploads/{uploadId}     the job, with its progress
//   DELETE /datasets/{database}/{table}/uploads/{uploadId}  cancels it
//   GET /datasets                           the caller's datasets
//   GET /datasets/{database}/{table}        one of them
//   POST /datasets/{database}/{table}/match  identity resolution against the platform's
//       identity table ({"platformTable", "into"} optional); answers the match statistics
#include "api/http.h"
#include "core/core.h"

namespace cleanroom::api::data {

class DataFace {
 public:
  explicit DataFace(core::Services& services) : s_(services) {}
  Response handle(Request& req);

 private:
  Response upload(const std::string& caller, Request& req, const std::string& database,
                  const std::string& table);
  Response upload_job(const std::string& caller, Request& req, const std::string& database,
                      const std::string& table, const std::string& upload_id);
  Response match(const std::string& caller, Request& req, const std::string& database,
                 const std::string& table);
  core::Services& s_;
};

}  // namespace cleanroom::api::data
