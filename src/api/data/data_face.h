#pragma once
// Dataset upload for the Clean Rooms principals, SigV4-signed like the Clean Rooms API and
// answering in its error shape (AWS Clean Rooms itself reads tables from Glue/S3, so this
// face has no counterpart in the service model):
//   PUT /datasets/{database}/{table}?format=csv|parquet|jsonl&columns=name:TYPE,...
//       &pii=column:type,...&country=US     the file as the body; answers the dataset record
//   GET /datasets                           the caller's datasets
//   GET /datasets/{database}/{table}        one of them
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
  core::Services& s_;
};

}  // namespace cleanroom::api::data
