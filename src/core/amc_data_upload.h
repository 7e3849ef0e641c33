#pragma once
// AMC advertiser data upload: data sets defined in AMC's column vocabulary (dataType,
// columnType, externalUserIdType, isMainEventTime; reference/amc-api-facts.md "Data upload"),
// kept as ordinary datasets of the instance's AWS account (database = instance id, table =
// dataSetId), and filled by uploads that go through the same ingestion, hashing and versioning
// as every other upload (core/datasets.h). Both faces therefore land in one core: what the AMC
// face uploads, the dataset API lists, and configured tables can expose.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "catalog/amc_datasets_repo.h"
#include "core/accounts.h"
#include "core/context.h"
#include "core/datasets.h"
#include "core/instances.h"
#include "core/upload_jobs.h"
#include "data/memory_file.h"

namespace cleanroom::core {

// Where an upload's data comes from, and how to read it.
struct AmcUploadSource {
  std::shared_ptr<const data::MemoryFile> body;  // the data in a request body, or
  std::string bucket;                            // an object of the context's buckets
  std::string key;
  std::optional<DataFormat> file_format;  // unset: the data set's
  std::string country_code;               // "" = the data set's, else US
  std::string update_strategy;            // "" = FULL_REPLACE
};

struct AmcDataSetPage {
  std::vector<catalog::AmcDataSetRecord> data_sets;
  std::string next_token;  // "" on the last page
};

class AmcDataUploadService {
 public:
  AmcDataUploadService(Context& ctx, UploadJobs& jobs)
      : ctx_(ctx), jobs_(jobs), datasets_(ctx), instances_(ctx) {}

  // Checks and stores a definition (instance_id, account_id and times are filled in here).
  Result<catalog::AmcDataSetRecord> create(const AmcCaller& caller, const std::string& instance_id,
                                           catalog::AmcDataSetRecord definition);
  Result<AmcDataSetPage> list(const AmcCaller& caller, const std::string& instance_id,
                              const std::string& next_token, int limit);
  Result<catalog::AmcDataSetRecord> get(const AmcCaller& caller, const std::string& instance_id,
                                        const std::string& data_set_id);
  // Removes the definition, its uploads and its data; refused while a configured table uses it.
  Status remove(const AmcCaller& caller, const std::string& instance_id,
                const std::string& data_set_id);

  // Records the upload PENDING and queues it as a job (core/upload_jobs.h), which marks it
  // RUNNING, then SUCCEEDED, or FAILED with the reason when the data does not fit the definition
  // (a ragged row, a value of the wrong type, a missing object): uploads are all or nothing. A
  // request that cannot start (unknown data set, bad format, a bucket not the instance's) is an
  // error and records nothing; so is a full upload queue (Throttled).
  Result<catalog::AmcUploadRecord> upload(const AmcCaller& caller, const std::string& instance_id,
                                          const std::string& data_set_id,
                                          const AmcUploadSource& source);
  Result<catalog::AmcUploadRecord> get_upload(const AmcCaller& caller,
                                              const std::string& instance_id,
                                              const std::string& data_set_id,
                                              const std::string& upload_id);
  // Newest first; every data set's when data_set_id is "".
  // What a node silent since before `alive_since_ms` (core/node_presence.h) left PENDING or
  // RUNNING is FAILED, saying so: the data was in that node's memory.
  Status fail_lost_uploads(int64_t alive_since_ms);
  Result<std::vector<catalog::AmcUploadRecord>> list_uploads(const AmcCaller& caller,
                                                             const std::string& instance_id,
                                                             const std::string& data_set_id);

 private:
  Result<catalog::InstanceRecord> instance(const AmcCaller& caller, const std::string& id);
  Context& ctx_;
  UploadJobs& jobs_;
  DatasetService datasets_;
  InstanceService instances_;
};

// The definition rules: dataSetId, column names and types, identity columns as STRING, and a
// FACT data set having exactly one isMainEventTime TIMESTAMP (or DATE) column while a DIMENSION
// data set has none. An absent dataSetType is FACT when a column is the main event time.
// Fills in the defaults (dataSetType, period P1D, fileFormat CSV).
Status check_amc_data_set(catalog::AmcDataSetRecord& d);

// What an upload of `d` asks of the ingestion: the declared schema, the identity columns to
// normalise and hash, the format and the country.
Result<UploadRequest> amc_upload_request(const catalog::AmcDataSetRecord& d,
                                         const AmcUploadSource& source);

// How an upload with this updateStrategy combines with the data set's data: none for
// FULL_REPLACE (the upload is the new version); the OVERLAP_* modes need the main event time, so
// a DIMENSION data set refuses them (Validation naming updateStrategy).
Result<std::optional<UploadMerge>> upload_merge(const catalog::AmcDataSetRecord& d,
                                                const std::string& strategy);

}  // namespace cleanroom::core
