#include "core/protected_queries.h"

#include <spdlog/spdlog.h>
#include <strings.h>

#include <algorithm>
#include <filesystem>

#include "catalog/analysis_templates_repo.h"
#include "catalog/configured_tables_repo.h"
#include "catalog/datasets_repo.h"
#include "catalog/nodes_repo.h"
#include "catalog/workflows_repo.h"
#include "common/clock.h"
#include "common/contains.h"
#include "common/crypto.h"
#include "common/logging.h"
#include "core/active_readers.h"
#include "core/amc_privacy.h"
#include "core/analysis_templates.h"
#include "core/association_rules.h"
#include "core/buckets.h"
#include "core/dataset_files.h"
#include "core/id_mappings.h"
#include "core/instance_advertisers.h"
#include "core/memberships.h"
#include "core/platform.h"
#include "core/query_workers.h"
#include "data/identity_matching.h"
#include "policy/query_check.h"

namespace cleanroom::core {
namespace fs = std::filesystem;
namespace repo = catalog::protected_queries_repo;
namespace collab_repo = catalog::collaborations_repo;
using catalog::ProtectedQueryRecord;
using catalog::Tx;
using nlohmann::json;

namespace {

bool terminal(QueryStatus status) {
  return status == QueryStatus::Success || status == QueryStatus::Failed ||
         status == QueryStatus::Cancelled || status == QueryStatus::TimedOut;
}

// Where a query's result goes: the receiving member and its bucket, prefix and format.
struct Destination {
  std::string receiver_account_id;
  std::string bucket;
  std::string key_prefix;
  ResultFormat format = ResultFormat::Csv;
};

Destination destination_of(const std::string& receiver, const S3Destination& s3) {
  return {receiver, s3.bucket, s3.key_prefix, s3.format};
}

// The membership's default when the query gives none; a member's account sends the result to
// that member's default destination; s3 is the caller's own override (clean-rooms-semantics.md,
// "Protected queries"). Only members that can receive results ever receive them. Every
// destination, the defaults set before buckets had owners included, must be the receiver's.
Result<Destination> resolve_destination(Tx& tx, const catalog::MemberRecord& caller,
                                        const catalog::MembershipRecord& membership,
                                        const std::optional<ResultDestination>& requested,
                                        const DestinationNames& names) {
  if (!requested) {
    if (!contains(caller.abilities, MemberAbility::CanReceiveResults))
      return Error::validation("account " + caller.account_id +
                                   " cannot receive results in this collaboration; give a " +
                                   names.whole + " that names a member who can",
                               names.field(names.whole));
    if (!membership.default_destination)
      return Error::validation(
          "the membership has no default result destination; give a " + names.whole,
          names.field(names.whole));
    CR_TRY(check_receiver_bucket(
        tx, caller.account_id, *membership.default_destination,
        DestinationNames::stored("the default result destination of membership " + membership.id)));
    return destination_of(caller.account_id, *membership.default_destination);
  }
  if (requested->s3) {
    CR_TRY(check_own_destination(tx, caller, *requested->s3, names));
    return destination_of(caller.account_id, *requested->s3);
  }
  const std::string& account = requested->member_account_id;
  CR_ASSIGN(auto receiver, collab_repo::find_member(tx, membership.collaboration_id, account));
  if (!receiver || receiver->status != MemberStatus::Active ||
      !contains(receiver->abilities, MemberAbility::CanReceiveResults))
    return Error::validation(
        "account " + account + " is not an active member that can receive results",
        names.field(names.member));
  CR_ASSIGN(auto receiving,
            collab_repo::find_membership_of(tx, membership.collaboration_id, account));
  if (!receiving || !receiving->default_destination)
    return Error::validation("member " + account + " has no result destination configured",
                             names.field(names.member));
  const std::string what = "the default result destination of member " + account;
  if (Status usable = check_receiver_bucket(tx, account, *receiving->default_destination,
                                            DestinationNames::stored(what));
      !usable.ok()) {
    // The caller learns that another member's default is unusable, never where it points.
    const bool bucket = usable.error().kind == ErrorKind::AccessDenied;
    return Error(usable.error().kind, what + ": its " +
                                          (bucket ? "bucket is not a bucket of account " + account
                                                  : std::string("key prefix is not valid")) +
                                          "; member " + account + " must update it");
  }
  return destination_of(account, *receiving->default_destination);
}

// ProtectedQuery.differentialPrivacy.sensitivityParameters: what a DP query computed, with the
// bounds its noise was calibrated to; null for a query without.
json sensitivity_json(const std::vector<policy::DpSensitivity>& all) {
  if (all.empty()) return nullptr;
  json out = json::array();
  for (const auto& s : all) {
    json p = {{"aggregationType", std::string(policy::to_string(s.kind))},
              {"aggregationExpression", s.expression},
              {"userContributionLimit", s.user_contribution_limit}};
    if (s.min_value) p["minColumnValue"] = *s.min_value;
    if (s.max_value) p["maxColumnValue"] = *s.max_value;
    out.push_back(std::move(p));
  }
  return out;
}

// What a query needs to run: the checked SQL and the files of the tables it reads.
struct Plan {
  policy::CheckedQuery checked;
  std::vector<engine::TableFile> files;
  std::vector<std::string> associations;  // of the tables it reads: their access budgets
};

// Every table associated into the collaboration by an ACTIVE member (a member that left took its
// data with it), as the checker sees it, with the file the engine reads.
Result<Plan> plan_query(Tx& tx, const catalog::CollaborationRecord& c, const std::string& runner,
                        const std::string& receiver, const std::string& sql,
                        const std::string& template_arn, const std::string& filtered_rows_column,
                        const policy::FilteredRowOptions& filtered_rows,
                        const std::vector<std::string>& platform_accounts,
                        const std::string& data_dir,
                        const std::optional<std::pair<int64_t, int64_t>>& window = std::nullopt) {
  namespace tables = catalog::configured_tables_repo;
  policy::QueryContext context;
  context.runner_account_id = runner;
  context.analysis_template_arn = template_arn;
  context.amc_threshold = c.amc_threshold;
  context.filtered_rows_discriminator = filtered_rows_column;
  context.filtered_rows = filtered_rows;
  context.difference_checks = c.difference_checks;
  // Tables whose CUSTOM rule has differentialPrivacy are queried under the collaboration's
  // template (docs/differential-privacy.md); without one they cannot be queried.
  CR_ASSIGN(auto dp, dp_settings(tx, c.id, now_epoch_seconds()));
  if (dp) {
    policy::DpParameters parameters;
    parameters.users_noise_per_query = dp->users_noise_per_query;
    context.dp = parameters;
  }
  std::map<std::string, TableRead> reads;
  std::map<std::string, std::string> rule_types;  // by association name: the rule that governs it
  CR_ASSIGN(auto associations, tables::active_associations_in_collaboration(tx, c.id, "", 1000));
  for (const auto& a : associations) {
    CR_ASSIGN(auto t, tables::find(tx, a.configured_table_id));
    if (!t) continue;
    CR_ASSIGN(auto ds,
              catalog::datasets_repo::find(tx, t->account_id, t->database_name, t->table_name));
    if (!ds) continue;  // the dataset was removed: nothing to read
    policy::QueryTable qt{a.name, {}, std::nullopt, t->account_id, std::nullopt};
    for (const auto& col : ds->columns) {
      if (!contains(t->allowed_columns, col.name)) continue;
      qt.columns.push_back(col.name);
      qt.column_types[col.name] = col.type;
      if (col.pii == data::kResolvedIdentity) qt.identity_columns.push_back(col.name);
    }
    CR_ASSIGN(auto rule, tables::find_rule(tx, t->id));
    if (rule) {
      rule_types[a.name] = rule->type;
      auto parsed = policy::parse_analysis_rule(rule->type, rule->policy, t->allowed_columns);
      if (parsed.ok()) qt.rule = *parsed;
    }
    // By the dataset's name: the attributed tables share columns but not their event time.
    if (contains(platform_accounts, t->account_id))
      qt.amc = amc_privacy_of(t->table_name, qt.columns);
    reads[a.name] = {*ds, {a.name, qt.columns, data_dir + "/" + ds->path}, a.id};
    for (const auto& col : qt.columns)
      reads[a.name].file.column_types.push_back(qt.column_types[col]);
    context.tables.push_back(std::move(qt));
  }
  // ID mapping tables: read by the engine only, under the rule the checker derives for them.
  CR_ASSIGN(auto mappings, queryable_mappings(tx, c.id));
  for (const auto& m : mappings) {
    bool taken = std::any_of(context.tables.begin(), context.tables.end(), [&](const auto& t) {
      return strcasecmp(t.name.c_str(), m.table.name.c_str()) == 0;
    });
    if (taken) continue;  // an association took the name first: SQL names it
    policy::QueryTable qt{m.table.name,
                          {kMappingSourceColumn, kMappingTargetColumn},
                          std::nullopt,
                          m.table.account_id,
                          std::nullopt};
    qt.column_types = {{kMappingSourceColumn, m.table.source_id_type},
                       {kMappingTargetColumn, m.table.target_id_type}};
    qt.id_mapping = policy::QueryTable::IdMappingSides{m.source_owner, m.target_owner};
    reads[m.table.name] = {catalog::DatasetRecord{},
                           {m.table.name, qt.columns, data_dir + "/" + m.table.mapping_path},
                           m.table.id};
    reads[m.table.name].file.column_types = {m.table.source_id_type, m.table.target_id_type};
    context.tables.push_back(std::move(qt));
  }
  CR_ASSIGN(auto checked, policy::check_query(sql, context));
  std::vector<TableRead> read;
  for (const auto& name : checked.tables) {
    auto it = std::find_if(reads.begin(), reads.end(), [&](const auto& r) {
      return strcasecmp(r.first.c_str(), name.c_str()) == 0;
    });
    if (it == reads.end()) return Error::internal("the checker named an unknown table " + name);
    // The owner's rule on its association may name who receives results of queries on it.
    CR_TRY(check_result_receiver(tx, it->second.association_id, it->first, rule_types[it->first],
                                 receiver));
    read.push_back(it->second);
  }
  // Only the instance's own advertisers, and an AMC execution's window.
  std::map<std::string, std::string> event_time_columns;
  for (const auto& t : context.tables)
    if (t.amc) event_time_columns[t.name] = t.amc->event_time_column;
  std::optional<PlatformWindow> platform_window;
  if (window)
    platform_window = PlatformWindow{window->first, window->second, checked.window_extensions};
  CR_TRY(limit_platform_rows(tx, c.id, read, event_time_columns, platform_window));
  Plan plan{checked, {}, {}};
  for (auto& r : read) {
    plan.files.push_back(std::move(r.file));
    plan.associations.push_back(r.association_id);
  }
  return plan;
}

// The accounts whose tables carry AMC privacy (amc_privacy_of).
Result<std::vector<std::string>> platform_account_ids(catalog::Database& db) {
  CR_ASSIGN(auto platform, platform_accounts(db));
  std::vector<std::string> ids;
  for (const auto& p : platform) ids.push_back(p.account_id);
  return ids;
}

// The member may run queries now: an ACTIVE membership of a live collaboration, and CAN_QUERY.
Result<catalog::MemberRecord> querying_member(Tx& tx, const catalog::MembershipRecord& ms) {
  if (ms.status != MembershipStatus::Active)
    return Error::access_denied("membership " + ms.id + " is " + wire_string(ms.status) +
                                "; only active members run queries");
  CR_ASSIGN(auto member, member_of(tx, ms.collaboration_id, ms.account_id));
  if (!contains(member.abilities, MemberAbility::CanQuery))
    return Error::access_denied("account " + ms.account_id +
                                " cannot run queries in this collaboration (no " +
                                wire_string(MemberAbility::CanQuery) + " ability)");
  return member;
}

std::string result_key(const ProtectedQueryRecord& q) {
  std::string prefix = q.result_key_prefix;
  while (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
  std::string name = q.result_format == ResultFormat::Parquet ? "result.parquet" : "result.csv";
  return (prefix.empty() ? "" : prefix + "/") + q.id + "/" + name;
}

// The checked SQL cannot raise on a value (policy/safe_eval.h), so what is left is the engine
// itself: memory, disk, a bug. Its message can still quote other parties' rows, and even its
// class (a conversion error or an overflow) is a bit about them: nothing of it is shown. Only a
// query that outgrew its spill limit is told so (run()).
constexpr const char* kEngineFailure =
    "the query failed while running in the engine; details are withheld because they can "
    "describe other parties' data";

ProtectedQueryView view_of(const ProtectedQueryRecord& q, const catalog::MembershipRecord& reader,
                           const std::string& membership_account) {
  return {q, membership_account, std::nullopt,
          q.account_id == reader.account_id || q.receiver_account_id == reader.account_id};
}

}  // namespace

ProtectedQueryService::ProtectedQueryService(Context& ctx, QueryLimits limits)
    : ctx_(ctx),
      limits_(limits),
      difference_checks_(ctx.data_dir + "/difference-checks", ctx.master_key,
                         kMaxPeoplePerCollaboration, shared_history(ctx)),
      workers_(std::make_unique<QueryWorkers>(limits.workers,
                                              [this](const std::string& id) { run(id); })) {}

// The workers are stopped and joined while workers_ still points at them: a query's thread reads
// workers_->stopping() to leave its query to release() (resetting first left it a null pointer).
// Then what this node held becomes any node's at once, so a rolling restart loses no query.
ProtectedQueryService::~ProtectedQueryService() {
  workers_->stop();
  auto released = ctx_.db.write<int64_t>([&](Tx& tx) -> Result<int64_t> {
    CR_ASSIGN(int64_t n, repo::release(tx, ctx_.node_id, now_epoch_millis()));
    CR_TRY(catalog::nodes_repo::remove(tx, ctx_.node_id));
    return n;
  });
  if (!released.ok())
    spdlog::error("stopping: queries of this node not released: {}", released.error().message);
  else if (*released > 0)
    spdlog::info("stopping: {} unfinished queries left to the other nodes or the next start",
                 *released);
}

Result<ProtectedQueryView> ProtectedQueryService::start(const std::string& caller,
                                                        const StartQueryRequest& req) {
  return submit(caller, req, nullptr);
}

Result<QueryPlanView> ProtectedQueryService::dry_run(const std::string& caller,
                                                     const StartQueryRequest& req) {
  QueryPlanView out;
  CR_TRY(status_of(submit(caller, req, &out)));
  return out;
}

Result<ProtectedQueryView> ProtectedQueryService::submit(const std::string& caller,
                                                         const StartQueryRequest& req,
                                                         QueryPlanView* dry) {
  if (req.type != "SQL") return Error::validation("type must be SQL", "type");
  if (req.analysis_template_arn && req.query_string)
    return Error::validation("give sqlParameters.queryString or analysisTemplateArn, not both",
                             "sqlParameters");
  if (!req.analysis_template_arn && (!req.query_string || req.query_string->empty()))
    return Error::validation("sqlParameters.queryString or analysisTemplateArn is required",
                             "sqlParameters.queryString");
  if (!req.analysis_template_arn && !req.parameters.empty())
    return Error::validation("sqlParameters.parameters are given only with analysisTemplateArn",
                             "sqlParameters.parameters");
  CR_ASSIGN(auto platform_ids, platform_account_ids(ctx_.db));

  ProtectedQueryRecord q;
  Plan plan;
  CR_TRY(status_of(ctx_.db.read<bool>([&](Tx& tx) -> Result<bool> {
    CR_ASSIGN(auto ms, own_membership(tx, caller, req.membership_id));
    CR_ASSIGN(auto member, querying_member(tx, ms));
    CR_ASSIGN(auto c, find_collaboration(tx, ms.collaboration_id));
    CR_ASSIGN(auto dest,
              resolve_destination(tx, member, ms, req.destination, req.destination_names));
    std::string sql = req.query_string.value_or("");
    std::string template_arn;
    json parameters = json::object();
    if (req.analysis_template_arn) {
      // A template of another collaboration is not found, as if it did not exist.
      CR_ASSIGN(auto t,
                catalog::analysis_templates_repo::find_by_arn(tx, *req.analysis_template_arn));
      if (!t || t->collaboration_id != c.id)
        return Error::not_found(Resource::AnalysisTemplate, *req.analysis_template_arn);
      CR_ASSIGN(sql, render_template(*t, req.parameters));
      template_arn = t->arn;
      for (const auto& [k, v] : req.parameters) parameters[k] = v;
    }
    // Checked now so that a refusal answers the request; checked again when it runs, against
    // the rules and data in force then.
    CR_ASSIGN(plan, plan_query(tx, c, caller, dest.receiver_account_id, sql, template_arn,
                               req.filtered_rows_column, req.output_options.filtered_rows,
                               platform_ids, ctx_.data_dir, req.time_window));
    q = ProtectedQueryRecord{crypto::uuid4(),
                             c.id,
                             ms.id,
                             caller,
                             sql,
                             template_arn,
                             parameters,
                             dest.receiver_account_id,
                             dest.bucket,
                             dest.key_prefix,
                             dest.format,
                             QueryStatus::Submitted};
    q.filtered_rows_column = req.filtered_rows_column;
    q.output_options = output_options_json(req.output_options);
    q.differential_privacy = sensitivity_json(plan.checked.dp_sensitivity);
    q.created_at_ms = now_epoch_millis();
    return true;
  })));
  if (dry) {
    // Bound over the same sandboxed views the run would read (types and names), never run; the
    // engine's message about the query is the analyst's own SQL, so it is shown.
    engine::ProtectedRun bind{
        plan.checked.sql,     plan.checked.naming_sql, plan.files, "", engine::ResultFormat::Csv, 1,
        limits_.memory_limit, plan.checked.macros};
    dry->sql = plan.checked.sql;
    CR_ASSIGN(dry->columns, engine::describe_protected(bind));
    CR_TRY(check_answered_columns(req.filtered_rows_column, req.output_options, dry->columns));
    return ProtectedQueryView{q, caller, std::nullopt, true};
  }
  CR_TRY(status_of(ctx_.db.write<bool>([&](Tx& tx) -> Result<bool> {
    // Counted inside the write that records the query, so concurrent starts cannot both take
    // the last place.
    CR_ASSIGN(int64_t waiting, repo::count_in_status(tx, QueryStatus::Submitted));
    // The message names the configured bound, not the count: how many other parties' queries
    // wait is not the caller's to learn.
    if (waiting >= limits_.queued)
      return Error::throttled("the server's queue of " + std::to_string(limits_.queued) +
                              " protected queries waiting to run is full; start this one later");
    // The budgets are spent with the record, or neither is written (privacy_budgets.h).
    CR_TRY(budgets_.spend_for_query(tx, q.collaboration_id, plan.checked.dp_epsilon,
                                    plan.associations));
    // Run by its collaboration's home node, so that the difference checks see every query of
    // the collaboration (this node, unless another node is the home and alive).
    CR_ASSIGN(auto home,
              catalog::nodes_repo::home_of(tx, q.collaboration_id, ctx_.node_id,
                                           q.created_at_ms - kNodeSilenceMs, q.created_at_ms));
    q.node_id = home.node_id;
    CR_TRY(repo::insert(tx, q));
    if (req.time_window)
      CR_TRY(catalog::workflows_repo::insert_query_window(tx, q.id, req.time_window->first,
                                                          req.time_window->second));
    if (req.record_with) CR_TRY(req.record_with(tx, q));
    return true;
  })));
  // Another home node finds it at its next beat (adopt_orphans).
  if (q.node_id == ctx_.node_id) workers_->submit(q.id);
  {
    std::lock_guard lock(counts_mu_);
    ++submitted_;
  }
  return ProtectedQueryView{q, caller, std::nullopt, true};
}

void ProtectedQueryService::run(const std::string& id) {
  // Lines logged while it runs, here or below (engine, delivery), name the query.
  logging::Scope log_context({{"queryId", id}});
  auto control = std::make_shared<engine::RunControl>();
  workers_->track(id, control,
                  std::chrono::steady_clock::now() + std::chrono::milliseconds(limits_.timeout_ms));
  struct Untrack {
    QueryWorkers& w;
    const std::string& id;
    ~Untrack() { w.untrack(id); }
  } untrack{*workers_, id};

  // SUBMITTED -> STARTED, unless it was cancelled while it waited.
  auto started = ctx_.db.write<std::optional<ProtectedQueryRecord>>(
      [&](Tx& tx) -> Result<std::optional<ProtectedQueryRecord>> {
        CR_ASSIGN(auto q, repo::find(tx, id));
        // Another node may have taken it meanwhile (this one was silent too long).
        if (!q || q->status != QueryStatus::Submitted || q->node_id != ctx_.node_id)
          return std::optional<ProtectedQueryRecord>{};
        q->status = QueryStatus::Started;
        q->started_at_ms = now_epoch_millis();
        CR_TRY(repo::update_state(tx, *q));
        return q;
      });
  if (!started.ok() || !*started) return;
  ProtectedQueryRecord q = **started;

  const std::string staging_dir = results_staging_dir();
  const std::string staging =
      staging_dir + "/" + q.id + (q.result_format == ResultFormat::Parquet ? ".parquet" : ".csv");
  int64_t home_since = 0;
  auto outcome = [&]() -> Result<engine::RunOutcome> {
    CR_ASSIGN(auto platform_ids, platform_account_ids(ctx_.db));
    const OutputOptions output = output_options_from(q.output_options);
    CR_ASSIGN(auto plan, ctx_.db.read<Plan>([&](Tx& tx) -> Result<Plan> {
      CR_ASSIGN(auto ms, own_membership(tx, q.account_id, q.membership_id));
      CR_TRY(status_of(querying_member(tx, ms)));
      CR_ASSIGN(auto c, find_collaboration(tx, q.collaboration_id));
      CR_ASSIGN(auto window, catalog::workflows_repo::find_query_window(tx, q.id));
      // Since when this node runs the collaboration's queries: a history loaded before then is
      // read again (another node may have added to it); not its home any more: read it now.
      CR_ASSIGN(home_since, catalog::nodes_repo::home_since(tx, q.collaboration_id, ctx_.node_id));
      if (home_since == 0) home_since = now_epoch_millis();
      return plan_query(tx, c, q.account_id, q.receiver_account_id, q.query_text,
                        q.analysis_template_arn, q.filtered_rows_column, output.filtered_rows,
                        platform_ids, ctx_.data_dir, window);
    }));
    std::error_code ec;
    fs::create_directories(staging_dir, ec);
    engine::ProtectedRun run{
        plan.checked.sql, plan.checked.naming_sql,   plan.files,           staging,
        q.result_format,  limits_.threads_per_query, limits_.memory_limit, plan.checked.macros};
    run.spill_root = spill_root(ctx_);
    run.spill_limit = limits_.spill_limit;
    std::vector<std::string> paths;
    for (const auto& f : plan.files) paths.push_back(f.parquet_path);
    CR_TRY(ensure_local(ctx_, paths));  // several nodes: what another node wrote
    if (!output.columns.empty()) {
      // AMC's outputColumns, on the columns the query binds to, before anything runs.
      auto answered = engine::describe_protected(run);
      if (!answered.ok()) return Error::internal(kEngineFailure);
      CR_TRY(check_answered_columns(q.filtered_rows_column, output, *answered));
    }
    std::unique_ptr<DifferenceChecks::Run> people;
    if (plan.checked.checks_people) {
      CR_ASSIGN(people, difference_checks_.start(q.collaboration_id, home_since));
      run.people_check = people.get();
    }
    auto ran = engine::run_protected(run, *control);
    if (!ran.ok() && control->stopped() == engine::RunControl::Stop::None) {
      // Too big for the disk the server gives one query: said, because it says no more than
      // TIMED_OUT does (how big the work was, never a value), and the analyst can act on it.
      if (ran.error().kind == ErrorKind::QuotaExceeded) {
        spdlog::warn("query {}: stopped at the spill limit of {} (--query-spill)", q.id,
                     limits_.spill_limit);
        return Error::quota_exceeded(
            "the query needed more temporary disk space than the server allows one query (" +
            limits_.spill_limit + ")");
      }
      return Error::internal(kEngineFailure);
    }
    // Kept before the result leaves: a crash between the two forgets nothing delivered.
    if (ran.ok() && people) {
      if (Status kept = people->record(); !kept.ok()) {
        spdlog::error("query {}: difference checks not recorded: {}", q.id, kept.error().message);
        return Error::internal(kEngineFailure);
      }
      if (people->refused() > 0)
        spdlog::info("query {}: difference checks removed {} group(s)", q.id, people->refused());
    }
    return ran;
  }();

  // Delivery, then the final state: Success is written only once the object is in place. A
  // cancelled or timed-out query's error code is its status's name.
  q.finished_at_ms = now_epoch_millis();
  switch (control->stopped()) {
    case engine::RunControl::Stop::Cancelled:
      if (workers_->stopping()) {
        // Left STARTED on this node: release() hands it to another node or the next start.
        std::error_code ec;
        fs::remove(staging, ec);
        return;
      }
      q.status = QueryStatus::Cancelled;
      q.error_code = wire_string(q.status);
      q.error_message = repo::kQueryCancelled;
      break;
    case engine::RunControl::Stop::TimedOut:
      q.status = QueryStatus::TimedOut;
      q.error_code = wire_string(q.status);
      q.error_message = "the query ran longer than the limit of " +
                        std::to_string(limits_.timeout_ms / 1000) + " s";
      break;
    case engine::RunControl::Stop::None:
      if (!outcome.ok()) {
        q.status = QueryStatus::Failed;
        // A refusal when the query is checked again (rules changed since it was submitted) is
        // INVALID_QUERY; anything the engine did is EXECUTION_FAILED.
        q.error_code =
            outcome.error().kind == ErrorKind::Validation ? "INVALID_QUERY" : "EXECUTION_FAILED";
        q.error_message = outcome.error().message;
        if (outcome.error().kind == ErrorKind::Internal && q.error_message != kEngineFailure) {
          spdlog::error("query {}: {}", q.id, q.error_message);
          q.error_message = kEngineFailure;
        }
        break;
      }
      const std::string key = result_key(q);
      Status delivered = ctx_.buckets->put_file(
          q.result_bucket, key, staging,
          q.result_format == ResultFormat::Parquet ? "application/vnd.apache.parquet" : "text/csv");
      if (!delivered.ok()) {
        q.status = QueryStatus::Failed;
        q.error_code = "DELIVERY_FAILED";
        q.error_message = "the result could not be written to bucket '" + q.result_bucket + "'";
        // The store's own failures (a full disk) name the server's files: for the operator only.
        if (delivered.error().kind == ErrorKind::Internal)
          spdlog::error("query {}: delivery failed: {}", q.id, delivered.error().message);
        else
          q.error_message += ": " + delivered.error().message;
        break;
      }
      q.status = QueryStatus::Success;
      q.result_location = delivery::ObjectStore::location(q.result_bucket, key);
      q.rows_written = outcome->rows_written;
      q.finished_at_ms = now_epoch_millis();
      break;
  }
  std::error_code ec;
  fs::remove(staging, ec);
  auto ended = ctx_.db.write<bool>([&](Tx& tx) -> Result<bool> {
    // A node silent too long has lost the query to another node, which runs it again: only
    // the holder ends it, so it ends once.
    CR_ASSIGN(auto held, repo::find(tx, q.id));
    if (!held || held->node_id != ctx_.node_id) return false;
    CR_TRY(repo::update_state(tx, q));
    return true;
  });
  if (ended.ok() && !*ended) {
    spdlog::warn("query {}: another node took it over while it ran here; its end is that node's",
                 q.id);
    return;  // not an end of this node's to count
  }
  count_ended(q.status);
}

Result<ProtectedQueryView> ProtectedQueryService::get(const std::string& caller,
                                                      const std::string& membership_id,
                                                      const std::string& id) {
  CR_ASSIGN(auto v, ctx_.db.read<ProtectedQueryView>([&](Tx& tx) -> Result<ProtectedQueryView> {
    CR_ASSIGN(auto ms, own_membership(tx, caller, membership_id));
    CR_TRY(check_active_reader(tx, ms));
    CR_ASSIGN(auto q, repo::find(tx, id));
    if (!q || q->collaboration_id != ms.collaboration_id)
      return Error::not_found(Resource::ProtectedQuery, id);
    if (q->membership_id != ms.id) {
      CR_ASSIGN(auto c, collab_repo::find_including_deleted(tx, ms.collaboration_id));
      bool log = ms.query_log_status == "ENABLED" && c && c->query_log_status == "ENABLED";
      if (!log) return Error::not_found(Resource::ProtectedQuery, id);
    }
    return view_of(*q, ms, q->account_id);
  }));
  if (v.query.status == QueryStatus::Started || v.query.status == QueryStatus::Cancelling)
    v.progress = progress_of(id);
  return v;
}

std::optional<engine::Progress> ProtectedQueryService::progress_of(const std::string& id) {
  if (auto control = workers_->control(id)) return control->progress();
  return std::nullopt;
}

Result<std::pair<std::vector<ProtectedQueryView>, std::string>> ProtectedQueryService::list(
    const std::string& caller, const std::string& membership_id, std::optional<QueryStatus> status,
    const Page& page) {
  using Out = std::pair<std::vector<ProtectedQueryView>, std::string>;
  return ctx_.db.read<Out>([&](Tx& tx) -> Result<Out> {
    CR_ASSIGN(auto ms, own_membership(tx, caller, membership_id));
    CR_TRY(check_active_reader(tx, ms));
    CR_ASSIGN(auto c, collab_repo::find_including_deleted(tx, ms.collaboration_id));
    bool log = ms.query_log_status == "ENABLED" && c && c->query_log_status == "ENABLED";
    int limit = page.size();
    CR_ASSIGN(auto rows, repo::list(tx, ms.collaboration_id, log ? "" : ms.id, status,
                                    page.next_token, limit + 1));
    Out out;
    for (size_t i = 0; i < rows.size() && static_cast<int>(i) < limit; ++i)
      out.first.push_back(view_of(rows[i], ms, rows[i].account_id));
    if (static_cast<int>(rows.size()) > limit) out.second = out.first.back().query.id;
    return out;
  });
}

Result<ProtectedQueryView> ProtectedQueryService::cancel(const std::string& caller,
                                                         const std::string& membership_id,
                                                         const std::string& id) {
  CR_ASSIGN(auto v, ctx_.db.write<ProtectedQueryView>([&](Tx& tx) -> Result<ProtectedQueryView> {
    CR_ASSIGN(auto ms, own_membership(tx, caller, membership_id));
    CR_ASSIGN(auto q, repo::find(tx, id));
    if (!q || q->membership_id != ms.id) return Error::not_found(Resource::ProtectedQuery, id);
    if (terminal(q->status) || q->status == QueryStatus::Cancelling)
      return Error::conflict("protected query " + id + " is " + wire_string(q->status) +
                                 " and can no longer be cancelled",
                             Cause::InvalidState, Resource::ProtectedQuery, id);
    if (q->status == QueryStatus::Submitted) {
      q->status = QueryStatus::Cancelled;
      q->error_code = wire_string(q->status);
      q->error_message = "the query was cancelled before it started";
      q->finished_at_ms = now_epoch_millis();
    } else {
      q->status = QueryStatus::Cancelling;
    }
    CR_TRY(repo::update_state(tx, *q));
    return view_of(*q, ms, caller);
  }));
  if (v.query.status == QueryStatus::Cancelling)
    if (auto control = workers_->control(id)) control->stop(engine::RunControl::Stop::Cancelled);
  if (v.query.status == QueryStatus::Cancelled) count_ended(QueryStatus::Cancelled);
  return v;
}

Status ProtectedQueryService::clear_result_staging() {
  // Every file here belongs to a run of this node's previous life: that run is over, and its
  // query is taken again (adopt_orphans) once that life is seen silent.
  std::error_code ec;
  fs::remove_all(results_staging_dir(), ec);
  if (ec) return Error::internal("cannot clear the result staging folder: " + ec.message());
  return {};
}

Status ProtectedQueryService::adopt_orphans(int64_t alive_since_ms) {
  const int64_t now = now_epoch_millis();
  CR_ASSIGN(
      auto mine,
      ctx_.db.write<std::vector<std::string>>([&](Tx& tx) -> Result<std::vector<std::string>> {
        CR_ASSIGN(auto orphans, repo::orphans(tx, alive_since_ms));
        for (const auto& o : orphans) {
          if (o.status == QueryStatus::Cancelling) {
            CR_TRY(repo::end_orphan(tx, o.id, QueryStatus::Cancelled,
                                    wire_string(QueryStatus::Cancelled), repo::kQueryCancelled,
                                    now));
          } else if (o.attempts >= kMaxAttempts) {
            spdlog::warn("query {}: its node stopped {} times; ended", o.id, o.attempts);
            CR_TRY(repo::end_orphan(tx, o.id, QueryStatus::Failed, "NODE_LOST",
                                    "the query was taken by " + std::to_string(kMaxAttempts) +
                                        " nodes in turn and each stopped before it finished",
                                    now));
          } else {
            // To its collaboration's home: this node, unless another live node is.
            CR_ASSIGN(auto home, catalog::nodes_repo::home_of(tx, o.collaboration_id, ctx_.node_id,
                                                              alive_since_ms, now));
            CR_TRY(repo::take(tx, o.id, home.node_id));
            spdlog::info("query {}: taken over from a node that stopped", o.id);
          }
        }
        // Given to this node, by itself or another node, and not yet queued.
        return repo::held_by(tx, ctx_.node_id, QueryStatus::Submitted);
      }));
  for (const auto& id : mine)
    if (!workers_->knows(id)) workers_->submit(id);
  // Cancelled through another node while it runs here.
  CR_ASSIGN(auto cancelling, ctx_.db.read<std::vector<std::string>>([&](Tx& tx) {
    return repo::held_by(tx, ctx_.node_id, QueryStatus::Cancelling);
  }));
  for (const auto& id : cancelling)
    if (auto control = workers_->control(id)) control->stop(engine::RunControl::Stop::Cancelled);
  return {};
}

std::string ProtectedQueryService::results_staging_dir() const {
  return ctx_.data_dir + "/staging/results";
}

void ProtectedQueryService::wait_idle() { workers_->wait_idle(); }

void ProtectedQueryService::count_ended(QueryStatus s) {
  std::lock_guard lock(counts_mu_);
  ++ended_[s];
}

QueryCounts ProtectedQueryService::counts() const {
  QueryCounts c;
  c.queued = workers_->queued();
  c.running = workers_->running();
  std::lock_guard lock(counts_mu_);
  c.submitted = submitted_;
  c.ended = ended_;
  return c;
}

}  // namespace cleanroom::core
