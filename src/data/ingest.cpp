#include "data/ingest.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <thread>

#include "common/dead_owner.h"

namespace cleanroom::data {
namespace fs = std::filesystem;
using engine::sql_identifier;
using engine::sql_literal;

namespace {

constexpr const char* kStagingPrefix = ".staging-";

Status fsync_path(const std::string& path, int flags) {
  int fd = ::open(path.c_str(), flags);
  if (fd < 0) return Error::internal("cannot open " + path + " to sync it");
  bool ok = ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) return Error::internal("cannot sync " + path);
  return {};
}

// Polls the engine's progress while a statement runs on another thread; cancels it when the
// callback says so.
class ProgressWatcher {
 public:
  ProgressWatcher(engine::Connection& con, const ProgressCallback& cb, uint64_t total)
      : con_(con), cb_(cb) {
    progress_.bytes_total = total;
    if (cb_) thread_ = std::thread([this] { watch(); });
  }
  ~ProgressWatcher() { stop(); }
  void stop() {
    {
      std::lock_guard lock(mu_);
      done_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
  }
  bool cancelled() const { return cancelled_; }

 private:
  void watch() {
    std::unique_lock lock(mu_);
    while (!cv_.wait_for(lock, std::chrono::milliseconds(200), [this] { return done_; })) {
      engine::Progress p = con_.progress();
      if (p.fraction < 0) continue;
      progress_.fraction = p.fraction;
      progress_.bytes_done =
          static_cast<uint64_t>(p.fraction * static_cast<double>(progress_.bytes_total));
      if (!cb_(progress_) && !cancelled_) {
        cancelled_ = true;
        con_.interrupt();
      }
    }
  }

  engine::Connection& con_;
  const ProgressCallback& cb_;
  IngestProgress progress_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool done_ = false;
  std::atomic<bool> cancelled_ = false;
  std::thread thread_;
};

}  // namespace

StagedFile::~StagedFile() {
  if (!path_.empty()) ::unlink(path_.c_str());
}

StagedFile& StagedFile::operator=(StagedFile&& o) noexcept {
  if (this != &o) {
    if (!path_.empty()) ::unlink(path_.c_str());
    path_ = std::move(o.path_);
    o.path_.clear();
  }
  return *this;
}

Status StagedFile::publish(const std::string& final_path) {
  CR_TRY(fsync_path(path_, O_RDONLY));
  if (::rename(path_.c_str(), final_path.c_str()) != 0)
    return Error::internal("cannot rename " + path_ + " to " + final_path);
  path_.clear();
  return fsync_path(fs::path(final_path).parent_path().string(), O_RDONLY | O_DIRECTORY);
}

Result<IngestResult> ingest(const IngestRequest& req) {
  struct stat st {};
  if (::stat(req.source_path.c_str(), &st) != 0 || !S_ISREG(st.st_mode))
    return Error::validation("cannot read " + req.source_path + ": not a file");
  CR_ASSIGN(std::string country, identity_country(req.country));
  std::error_code ec;
  fs::create_directories(req.target_dir, ec);
  if (ec) return Error::internal("cannot create " + req.target_dir + ": " + ec.message());

  // The upload's engine sees the source file and the dataset's folder, nothing else.
  engine::EngineOptions options = req.engine;
  options.allowed_paths = {req.source_path};
  options.allowed_directories = {req.target_dir + "/"};
  options.enable_external_access = false;
  options.lock_configuration = true;
  CR_ASSIGN(auto engine, engine::Engine::open(options));
  engine::Connection& con = engine->connection();

  std::set<std::string> text_columns;
  for (const auto& [name, type] : req.pii) text_columns.insert(name);
  CR_ASSIGN(SourcePlan plan,
            plan_source(con, req.source_path, req.format, req.columns, text_columns));

  std::string select = "SELECT ";
  for (size_t i = 0; i < plan.names.size(); i++) {
    auto pii = req.pii.find(plan.names[i]);
    std::string expr = pii == req.pii.end() ? plan.expressions[i]
                                            : hashed_sql(pii->second, plan.expressions[i], country);
    select += (i ? ", " : "") + expr + " AS " + sql_identifier(plan.names[i]);
  }
  select += " FROM " + plan.from;

  IngestResult out{{}, 0, 0, StagedFile(staging_path(req.target_dir, ".parquet"))};
  {
    auto described = engine::describe(con, select);
    if (!described.ok()) return data_error(described.error());
    for (const auto& [name, type] : *described) {
      auto pii = req.pii.find(name);
      out.columns.push_back({name, type, pii == req.pii.end() ? "" : pii_type_name(pii->second)});
    }
  }

  ProgressWatcher watcher(con, req.progress, static_cast<uint64_t>(st.st_size));
  auto copied =
      con.query("COPY (" + select + ") TO " + sql_literal(out.file.path()) + " (FORMAT parquet)");
  watcher.stop();
  if (watcher.cancelled()) return Error::cancelled("the upload was cancelled");
  if (!copied.ok()) return data_error(copied.error());
  CR_ASSIGN(auto counted, copied->rows());
  out.rows = std::get<int64_t>(counted.at(0).at(0));
  out.bytes = static_cast<int64_t>(fs::file_size(out.file.path(), ec));
  if (req.progress)
    req.progress({static_cast<uint64_t>(st.st_size), static_cast<uint64_t>(st.st_size), 1.0});
  return out;
}

Result<IngestResult> rewrite(const RewriteRequest& req) {
  std::error_code ec;
  fs::create_directories(req.target_dir, ec);
  if (ec) return Error::internal("cannot create " + req.target_dir + ": " + ec.message());
  engine::EngineOptions options = req.engine;
  options.allowed_paths.clear();
  for (const auto& input : req.inputs) options.allowed_paths.push_back(input.second);
  options.allowed_directories = {req.target_dir + "/"};
  options.enable_external_access = false;
  options.lock_configuration = true;
  CR_ASSIGN(auto engine, engine::Engine::open(options));
  engine::Connection& con = engine->connection();
  for (const auto& [name, path] : req.inputs)
    CR_TRY(con.run("CREATE TEMPORARY VIEW " + sql_identifier(name) +
                   " AS SELECT * FROM read_parquet(" + sql_literal(path) + ")"));
  if (req.prepare) CR_TRY(req.prepare(con));

  IngestResult out{{}, 0, 0, StagedFile(staging_path(req.target_dir, ".parquet"))};
  CR_ASSIGN(auto described, engine::describe(con, req.select));
  for (const auto& [name, type] : described) {
    auto pii = req.pii.find(name);
    out.columns.push_back({name, type, pii == req.pii.end() ? "" : pii->second});
  }
  CR_ASSIGN(auto copied, con.query("COPY (" + req.select + ") TO " + sql_literal(out.file.path()) +
                                   " (FORMAT parquet)"));
  CR_ASSIGN(auto counted, copied.rows());
  out.rows = std::get<int64_t>(counted.at(0).at(0));
  out.bytes = static_cast<int64_t>(fs::file_size(out.file.path(), ec));
  return out;
}

std::string staging_path(const std::string& dir, const std::string& suffix) {
  return dir + "/" + owned_name(kStagingPrefix) + suffix;
}

Status remove_abandoned_staging(const std::string& root) {
  std::error_code ec;
  if (!fs::exists(root, ec)) return {};
  for (auto it = fs::recursive_directory_iterator(root, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    std::string name = it->path().filename().string();
    std::error_code ignored;  // a file another cleanup removed first is no failure
    if (left_by_dead_process(name, kStagingPrefix)) fs::remove(it->path(), ignored);
  }
  if (ec) return Error::internal("cannot scan " + root + ": " + ec.message());
  return {};
}

}  // namespace cleanroom::data
