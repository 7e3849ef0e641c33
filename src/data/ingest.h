#pragma once
// Ingestion: a CSV, Parquet or JSON-lines file copied into one Parquet dataset file, with the
// identity columns normalised and hashed on the way (raw values never reach disk). The file is
// staged beside its final place and only renamed there when the caller publishes it, so a
// failed or killed upload leaves nothing visible (DESIGN.md "Storage").
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "common/error.h"
#include "data/identity.h"
#include "data/sources.h"
#include "engine/engine.h"

namespace cleanroom::data {

struct IngestProgress {
  uint64_t bytes_total = 0;  // size of the source file
  uint64_t bytes_done = 0;   // estimated from the engine's progress
  double fraction = 0;       // in [0, 1]
};
// Called a few times a second while the copy runs; returning false cancels the upload.
using ProgressCallback = std::function<bool(const IngestProgress&)>;

struct IngestRequest {
  std::string source_path;
  FileFormat format = FileFormat::Csv;
  std::vector<ColumnSpec> columns;     // declared schema; empty: inferred from the file
  std::map<std::string, PiiType> pii;  // identity columns by name
  std::string country = "US";          // conventions for address, state and postal code
  std::string target_dir;              // the folder the dataset file will live in
  ProgressCallback progress;           // optional
  engine::EngineOptions engine;        // threads and memory limit (the sandbox is set here)
};

struct IngestedColumn {
  std::string name;
  std::string type;  // DuckDB type name as stored
  std::string pii;   // "" or the identity type name
};

// A finished dataset file that nobody can see yet. It is removed when dropped unpublished.
class StagedFile {
 public:
  explicit StagedFile(std::string path) : path_(std::move(path)) {}
  ~StagedFile();
  StagedFile(StagedFile&& o) noexcept : path_(std::move(o.path_)) { o.path_.clear(); }
  StagedFile& operator=(StagedFile&& o) noexcept;
  StagedFile(const StagedFile&) = delete;
  StagedFile& operator=(const StagedFile&) = delete;

  const std::string& path() const { return path_; }
  // Makes the file durable, renames it to `final_path` (same folder) and makes the rename
  // durable. Afterwards the file belongs to the caller.
  Status publish(const std::string& final_path);

 private:
  std::string path_;
};

struct IngestResult {
  std::vector<IngestedColumn> columns;
  int64_t rows = 0;
  int64_t bytes = 0;
  StagedFile file;
};

Result<IngestResult> ingest(const IngestRequest& request);

// A new version of a dataset computed from existing Parquet files (an upload combined with the
// data already there, rows removed for a user deletion request): one SELECT over views of the
// inputs, written to a file staged in `target_dir` like an ingest's. The engine reads the inputs
// and writes the folder, nothing else; `prepare` may load user values through prepared statements
// into temporary tables the SELECT reads (never spliced into it).
struct RewriteRequest {
  std::vector<std::pair<std::string, std::string>> inputs;  // view name, Parquet path
  std::function<Status(engine::Connection&)> prepare;       // optional
  std::string select;
  std::map<std::string, std::string> pii;  // column -> identity type name, kept as it was
  std::string target_dir;
  engine::EngineOptions engine;
};
Result<IngestResult> rewrite(const RewriteRequest& request);

// A staged file's path in `dir`: named for this process (common/dead_owner.h), so that
// remove_abandoned_staging() clears it should the process die before publishing or removing it.
std::string staging_path(const std::string& dir, const std::string& suffix);

// Removes staged files under `root` left by processes that no longer run (a crash or SIGKILL
// mid-upload), so no trace of a partial upload outlives a restart.
Status remove_abandoned_staging(const std::string& root);

}  // namespace cleanroom::data
