#include "core/amc_audiences.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "catalog/collaborations_repo.h"
#include "catalog/configured_tables_repo.h"
#include "catalog/instances_repo.h"
#include "common/clock.h"
#include "common/contains.h"
#include "common/crypto.h"
#include "core/amc_privacy.h"
#include "core/buckets.h"
#include "core/dataset_files.h"
#include "core/instance_advertisers.h"
#include "core/platform.h"
#include "engine/protected_run.h"
#include "policy/audience_query.h"

namespace cleanroom::core {
namespace fs = std::filesystem;
namespace repo = catalog::amc_audiences_repo;
using catalog::AmcAudienceRecord;
using catalog::Tx;
using engine::sql_identifier;

namespace {

constexpr const char* kSuffix = "_for_audiences";

bool is_audience_table(const std::string& name) {
  return name.size() > std::string(kSuffix).size() &&
         name.compare(name.size() - std::string(kSuffix).size(), std::string::npos, kSuffix) == 0;
}

// The platform's *_for_audiences tables of the collaboration (by association name) that have
// a user_id, with how a run reads each; `only` limits them to those names when not empty.
struct AudienceTables {
  std::vector<std::string> names;
  std::vector<TableRead> reads;
  std::map<std::string, std::string> event_time_columns;
};

Result<AudienceTables> audience_tables(Tx& tx, const Context& ctx,
                                       const std::string& collaboration_id,
                                       const std::vector<std::string>& only) {
  AudienceTables out;
  CR_ASSIGN(auto provider, find_platform_account_id(tx, "ADVERTISING_DATA_PROVIDER"));
  if (!provider) return out;
  CR_ASSIGN(auto associations,
            catalog::configured_tables_repo::active_associations_in_collaboration(
                tx, collaboration_id, "", 100000));
  for (const auto& a : associations) {
    if (!is_audience_table(a.name)) continue;
    if (!only.empty() && !contains(only, a.name)) continue;
    CR_ASSIGN(auto t, catalog::configured_tables_repo::find(tx, a.configured_table_id));
    if (!t || t->account_id != *provider) continue;
    CR_ASSIGN(auto ds,
              catalog::datasets_repo::find(tx, t->account_id, t->database_name, t->table_name));
    if (!ds) continue;
    engine::TableFile file{a.name,       {},           ctx.data_dir + "/" + ds->path,
                           std::nullopt, std::nullopt, {}};
    for (const auto& c : ds->columns)
      if (contains(t->allowed_columns, c.name)) {
        file.columns.push_back(c.name);
        file.column_types.push_back(c.type);
      }
    if (!contains(file.columns, std::string("user_id"))) continue;
    out.names.push_back(a.name);
    out.event_time_columns[a.name] = amc_event_time_column(t->table_name, file.columns);
    out.reads.push_back({*ds, std::move(file), a.id});
  }
  return out;
}

// The people the audience query picks: its user_id values that are people of the tables it
// read (a value the SQL makes up is nobody), each once.
std::string people_sql(const policy::AudienceQuery& q) {
  std::string people;
  for (const auto& t : q.tables)
    people += (people.empty() ? "" : " UNION ALL ") +
              std::string("SELECT CAST(user_id AS VARCHAR) FROM ") + sql_identifier(t);
  return "SELECT DISTINCT CAST(a.user_id AS VARCHAR) AS user_id FROM (" + q.sql +
         ") AS a WHERE CAST(a.user_id AS VARCHAR) IN (" + people + ")";
}

// Where the primary account receives results: its membership's default destination, in a
// bucket it owns. None before it joined (the instance is not ACTIVE).
Result<S3Destination> destination_of(Tx& tx, const catalog::InstanceRecord& inst) {
  CR_ASSIGN(auto ms, catalog::collaborations_repo::find_membership_of(tx, inst.collaboration_id,
                                                                      inst.aws_account_id));
  if (!ms || ms->status != MembershipStatus::Active || !ms->default_destination)
    return Error::validation("instance " + inst.instance_id +
                             " is not ACTIVE: its primary account must create its membership, "
                             "with a results bucket, first");
  CR_TRY(require_own_bucket(tx, inst.aws_account_id, ms->default_destination->bucket,
                            "defaultResultConfiguration"));
  return *ms->default_destination;
}

// Two draws fixed by the set of people (and the instance): the same set always gets the same
// ones, so asking again teaches nothing, and another set gets others.
struct SetNoise {
  int64_t floor_extra = 0;  // 0..499 people above the 2,000 floor
  int64_t dummies = 0;      // 0..499 records of nobody
};

SetNoise set_noise(const std::string& master_key, const std::string& instance_id,
                   const std::vector<uint64_t>& sorted_people) {
  std::string bytes;
  bytes.reserve(sorted_people.size() * 8);
  for (uint64_t p : sorted_people)
    for (int i = 0; i < 8; ++i) bytes.push_back(static_cast<char>((p >> (8 * i)) & 0xff));
  const std::string seed = crypto::hmac_sha256(
      master_key, "amc-audience-noise/" + instance_id + "/" + crypto::sha256(bytes));
  auto draw = [&](size_t at) {
    uint64_t v = 0;
    for (size_t i = 0; i < 8; ++i) v = (v << 8) | static_cast<unsigned char>(seed[at + i]);
    return static_cast<int64_t>(v % 500);
  };
  return {draw(0), draw(8)};
}

struct RunResult {
  int64_t people = 0;
  std::string location;
};

// One run: the people, the 2,000 floor, the difference checks, the records, the delivery.
// Errors are the audience's statusReason: none says anything about a person.
Result<RunResult> run_audience(Context& ctx, DifferenceChecks& checks, const AmcAudienceRecord& a,
                               int64_t delivery) {
  auto inst = ctx.db.read<std::optional<catalog::InstanceRecord>>(
      [&](Tx& tx) { return catalog::instances_repo::find(tx, a.instance_id); });
  if (!inst.ok() || !*inst) return Error::validation("the instance is gone");
  const auto& instance = **inst;
  policy::AudienceQuery query;
  std::vector<engine::TableFile> files;
  S3Destination dest;
  CR_TRY(status_of(ctx.db.read<bool>([&](Tx& tx) -> Result<bool> {
    CR_ASSIGN(auto all, audience_tables(tx, ctx, instance.collaboration_id, {}));
    CR_ASSIGN(query, policy::check_audience_query(a.query_text, all.names));
    CR_ASSIGN(auto used, audience_tables(tx, ctx, instance.collaboration_id, query.tables));
    CR_TRY(limit_platform_rows(tx, instance.collaboration_id, used.reads, used.event_time_columns,
                               PlatformWindow{a.window_start, a.window_end, {}}));
    for (auto& r : used.reads) files.push_back(std::move(r.file));
    CR_ASSIGN(dest, destination_of(tx, instance));
    return true;
  })));

  const std::string staging_dir = ctx.data_dir + "/staging";
  std::error_code ec;
  fs::create_directories(staging_dir, ec);
  const std::string people_file = staging_dir + "/audience-" + a.audience_id + ".people.csv";
  const std::string records_file = staging_dir + "/audience-" + a.audience_id + ".records.csv";
  struct Cleanup {
    std::vector<std::string> paths;
    ~Cleanup() {
      for (const auto& p : paths) {
        std::error_code ignored;
        fs::remove(p, ignored);
      }
    }
  } cleanup{{people_file, records_file}};

  engine::ProtectedRun run{people_sql(query), "", files, people_file, ResultFormat::Csv, 2, "4GB"};
  run.spill_root = spill_root(ctx);
  std::vector<std::string> paths;
  for (const auto& f : files) paths.push_back(f.parquet_path);
  CR_TRY(ensure_local(ctx, paths));  // several nodes: what another node wrote
  engine::RunControl control;
  auto ran = engine::run_protected(run, control);
  if (!ran.ok()) {
    // The engine's message could quote a value of the platform's rows: it stays in the log.
    spdlog::warn("audience {}: {}", a.audience_id, ran.error().message);
    return Error::validation(
        "the audience query could not run: it must answer a user_id column of the tables it "
        "reads");
  }
  std::vector<std::string> people;
  {
    std::ifstream in(people_file);
    std::string line;
    std::getline(in, line);  // the header
    while (std::getline(in, line))
      if (!line.empty()) people.push_back(line);
  }
  // Several nodes: read again each time, since an audience of the instance may have run on
  // another node since.
  CR_ASSIGN(auto check, checks.start("audiences-" + instance.instance_id,
                                     ctx.dataset_store ? now_epoch_millis() : 0));
  std::vector<uint64_t> hashed;
  hashed.reserve(people.size());
  for (const auto& p : people) hashed.push_back(engine::siphash24(check->key(), p));
  std::sort(hashed.begin(), hashed.end());
  const SetNoise noise = set_noise(ctx.master_key, instance.instance_id, hashed);
  // The floor is 2,000 people and, for each set, up to 499 more: whether one more person makes
  // a set reach it is then a draw of that set, not an answer (AMC advises 2,500 for the same
  // reason). Sets under 2,000 and sets under their own floor fail alike.
  if (static_cast<int64_t>(people.size()) < kMinAudiencePeople + noise.floor_extra)
    return Error::validation("the audience has too few people (at least " +
                             std::to_string(kMinAudiencePeople) +
                             ", and up to 2,500 near that floor); nothing was delivered");
  if (!check->admit(std::move(hashed), kMinAudiencePeople))
    return Error::validation(
        "the audience differs from one this instance was already delivered by fewer than " +
        std::to_string(kMinAudiencePeople) + " people; nothing was delivered");
  CR_TRY(check->record());

  // A key of this delivery alone: its records match no other audience's or refresh's.
  const std::string key = crypto::hmac_sha256(
      ctx.master_key, "amc-audience-records/" + a.audience_id + "/" + std::to_string(delivery));
  std::vector<std::string> records;
  records.reserve(people.size() + static_cast<size_t>(noise.dummies));
  for (const auto& p : people) records.push_back(crypto::hex(crypto::hmac_sha256(key, p)));
  // Records of nobody, as many as the set's draw says: the delivered count is not the exact
  // count of people, so a known group plus a narrow condition does not count that condition.
  for (int64_t i = 0; i < noise.dummies; ++i)
    records.push_back(crypto::hex(crypto::hmac_sha256(key, "\x01dummy/" + std::to_string(i))));
  std::sort(records.begin(), records.end());
  {
    std::ofstream out(records_file, std::ios::trunc);
    out << "audience_record\n";
    for (const auto& r : records) out << r << "\n";
    if (!out) return Error::internal("cannot write the audience's records");
  }
  std::string prefix = dest.key_prefix;
  while (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
  const std::string object = (prefix.empty() ? "" : prefix + "/") + "audiences/" + a.audience_id +
                             "/" + std::to_string(delivery) + "/records.csv";
  if (!ctx.buckets) return Error::internal("no object store is configured");
  CR_TRY(ctx.buckets->put_file(dest.bucket, object, records_file, "text/csv"));
  return RunResult{static_cast<int64_t>(records.size()), "s3://" + dest.bucket + "/" + object};
}

Status check_request(const CreateAudienceRequest& r) {
  if (r.name.empty() || r.name.size() > 128)
    return Error::validation("audienceName must be 1 to 128 characters", "audienceName");
  if (r.description.size() > 1000)
    return Error::validation("description must be at most 1000 characters", "description");
  if (r.query_text.find_first_not_of(" \t\r\n") == std::string::npos ||
      r.query_text.size() > 256 * 1024)
    return Error::validation("queryText must be a SQL query of at most 256 KiB", "queryText");
  if (r.refresh_rate_days < 0 || r.refresh_rate_days > kMaxRefreshRateDays)
    return Error::validation(
        "refreshRateDays must be 0 (no refresh) to " + std::to_string(kMaxRefreshRateDays),
        "refreshRateDays");
  return {};
}

}  // namespace

AmcAudienceService::AmcAudienceService(Context& ctx, UploadJobs& jobs,
                                       const WorkflowService& workflows)
    : ctx_(ctx),
      jobs_(jobs),
      workflows_(workflows),
      instances_(ctx),
      checks_(std::make_shared<DifferenceChecks>(ctx.data_dir + "/difference-checks",
                                                 ctx.master_key, kMaxPeoplePerCollaboration,
                                                 shared_history(ctx))) {}

Result<AmcAudienceRecord> AmcAudienceService::create(const AmcCaller& caller,
                                                     const std::string& instance_id,
                                                     const CreateAudienceRequest& req) {
  CR_ASSIGN(auto view, instances_.get(caller, instance_id));
  CR_TRY(check_request(req));
  CR_ASSIGN(auto window,
            resolve_window({req.window_type, req.window_start, req.window_end, req.window_zone},
                           workflows_.clock().now()));
  const auto inst = view.instance;
  // The SQL is checked now, so a refused query records nothing.
  CR_TRY(status_of(ctx_.db.read<bool>([&](Tx& tx) -> Result<bool> {
    CR_ASSIGN(auto tables, audience_tables(tx, ctx_, inst.collaboration_id, {}));
    CR_TRY(status_of(policy::check_audience_query(req.query_text, tables.names)));
    CR_TRY(status_of(destination_of(tx, inst)));
    return true;
  })));
  AmcAudienceRecord a;
  a.audience_id = "amcaud-" + crypto::uuid4();
  a.instance_id = inst.instance_id;
  a.name = req.name;
  a.description = req.description;
  a.query_text = req.query_text;
  a.window_start = window.start_utc;
  a.window_end = window.end_utc;
  a.refresh_rate_days = req.refresh_rate_days;
  a.status = UploadStatus::Pending;
  a.created_by = caller.user.user_id;
  a.created_at = a.updated_at = a.last_run_at = workflows_.clock().now();
  a.node_id = ctx_.node_id;
  CR_TRY(status_of(ctx_.db.write<bool>([&](Tx& tx) -> Result<bool> {
    CR_TRY(repo::insert(tx, a));
    return true;
  })));
  if (Status queued = queue_run(a, inst.aws_account_id); !queued.ok()) {
    (void)ctx_.db.write<bool>([&](Tx& tx) -> Result<bool> {
      CR_TRY(repo::remove(tx, a.audience_id));
      return true;
    });
    return queued.error();
  }
  return a;
}

Status AmcAudienceService::queue_run(const AmcAudienceRecord& a, const std::string& account) {
  Context* ctx = &ctx_;
  std::shared_ptr<DifferenceChecks> checks = checks_;
  auto save = [ctx](const AmcAudienceRecord& r) {
    auto saved = ctx->db.write<bool>([&](Tx& tx) -> Result<bool> {
      CR_TRY(repo::update_state(tx, r));
      return true;
    });
    if (!saved.ok())
      spdlog::error("audience {}: cannot record its status: {}", r.audience_id,
                    saved.error().message);
  };
  auto outcome = std::make_shared<std::optional<Result<RunResult>>>();
  auto work = [ctx, checks, a, save,
               outcome](const data::ProgressCallback&) -> Result<catalog::DatasetRecord> {
    AmcAudienceRecord running = a;
    running.status = UploadStatus::Running;
    running.updated_at = now_epoch_seconds();
    save(running);
    *outcome = run_audience(*ctx, *checks, a, a.deliveries + 1);
    if (!(*outcome)->ok()) return (*outcome)->error();
    return catalog::DatasetRecord{};
  };
  auto ended = [a, save, outcome](const UploadJob& job) {
    AmcAudienceRecord done = a;
    done.updated_at = now_epoch_seconds();
    if (job.status == UploadStatus::Succeeded && *outcome && (*outcome)->ok()) {
      done.status = UploadStatus::Succeeded;
      done.status_reason = "";
      done.audience_count = (**outcome)->people;
      done.output_location = (**outcome)->location;
      done.deliveries = a.deliveries + 1;
    } else {
      done.status = UploadStatus::Failed;
      done.status_reason = job.error && job.error->kind == ErrorKind::Validation
                               ? job.error->message
                               : "the audience could not be delivered; it runs again at its "
                                 "next refresh";
    }
    save(done);
  };
  return status_of(jobs_.submit(account, a.instance_id, "audience", work, ended));
}

Result<AmcAudienceRecord> AmcAudienceService::get(const AmcCaller& caller,
                                                  const std::string& instance_id,
                                                  const std::string& audience_id) {
  CR_ASSIGN(auto view, instances_.get(caller, instance_id));
  return ctx_.db.read<AmcAudienceRecord>([&](Tx& tx) -> Result<AmcAudienceRecord> {
    CR_ASSIGN(auto a, repo::find(tx, view.instance.instance_id, audience_id));
    if (!a) return Error(ErrorKind::NotFound, "audience " + audience_id + " not found");
    return *a;
  });
}

Result<std::vector<AmcAudienceRecord>> AmcAudienceService::list(const AmcCaller& caller,
                                                                const std::string& instance_id) {
  CR_ASSIGN(auto view, instances_.get(caller, instance_id));
  return ctx_.db.read<std::vector<AmcAudienceRecord>>(
      [&](Tx& tx) { return repo::list(tx, view.instance.instance_id); });
}

Status AmcAudienceService::remove(const AmcCaller& caller, const std::string& instance_id,
                                  const std::string& audience_id) {
  CR_ASSIGN(auto a, get(caller, instance_id, audience_id));
  return status_of(ctx_.db.write<bool>([&](Tx& tx) -> Result<bool> {
    CR_ASSIGN(auto now, repo::find(tx, a.instance_id, a.audience_id));
    if (!now) return Error(ErrorKind::NotFound, "audience " + audience_id + " not found");
    if (now->status == UploadStatus::Pending || now->status == UploadStatus::Running)
      return Error::conflict("audience " + audience_id + " is running; delete it when it ended",
                             Cause::InvalidState);
    CR_TRY(repo::remove(tx, a.audience_id));
    return true;
  }));
}

Result<int> AmcAudienceService::run_due_refreshes() {
  const int64_t now = workflows_.clock().now();
  CR_ASSIGN(auto due, ctx_.db.read<std::vector<AmcAudienceRecord>>(
                          [&](Tx& tx) { return repo::due_refreshes(tx, now); }));
  int queued = 0;
  for (auto a : due) {
    const int64_t last_run = a.last_run_at;
    // A refresh reads a window as long as the first one, ending now.
    const int64_t length = a.window_end - a.window_start;
    a.window_end = now;
    a.window_start = now - length;
    a.last_run_at = now;
    a.status = UploadStatus::Pending;
    a.updated_at = now_epoch_seconds();
    a.node_id = ctx_.node_id;
    CR_ASSIGN(auto inst, ctx_.db.read<std::optional<catalog::InstanceRecord>>([&](Tx& tx) {
      return catalog::instances_repo::find(tx, a.instance_id);
    }));
    if (!inst) continue;
    // Claimed in the catalog: of several nodes finding it due, the one that moves its last run
    // time runs it.
    CR_ASSIGN(bool claimed, ctx_.db.write<bool>([&](Tx& tx) -> Result<bool> {
      CR_ASSIGN(auto current, repo::find(tx, a.instance_id, a.audience_id));
      if (!current || current->last_run_at != last_run) return false;
      CR_TRY(repo::update_state(tx, a));
      return true;
    }));
    if (!claimed) continue;
    if (Status s = queue_run(a, inst->aws_account_id); !s.ok()) {
      spdlog::warn("audience {}: refresh not queued: {}", a.audience_id, s.error().message);
      a.status = UploadStatus::Failed;
      a.status_reason = "the refresh could not be queued; it runs again at its next refresh";
      (void)ctx_.db.write<bool>([&](Tx& tx) -> Result<bool> {
        CR_TRY(repo::update_state(tx, a));
        return true;
      });
      continue;
    }
    ++queued;
  }
  return queued;
}

Status AmcAudienceService::fail_lost_runs(int64_t alive_since_ms) {
  return status_of(ctx_.db.write<int64_t>([&](Tx& tx) {
    return repo::fail_lost_runs(tx,
                                "the server stopped during the run; it runs again at its "
                                "next refresh",
                                now_epoch_seconds(), alive_since_ms);
  }));
}

}  // namespace cleanroom::core
