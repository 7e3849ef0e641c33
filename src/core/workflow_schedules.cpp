// AMC schedules (the public API's /amc/reporting/{instanceId}/schedules): a saved workflow run by
// the server Daily or Weekly at an hour of UTC, each run an execution over the day or week before
// it. A schedule holds its workflow (WorkflowService::remove refuses to delete it).
#include <spdlog/spdlog.h>

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <regex>
#include <thread>

#include "catalog/accounts_repo.h"
#include "catalog/instances_repo.h"
#include "common/clock.h"
#include "core/workflows.h"

namespace cleanroom::core {
namespace repo = catalog::workflows_repo;
using catalog::Tx;

namespace {

const std::vector<std::string>& day_names() {  // index = weekday, 0 = Sunday
  static const std::vector<std::string> days = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                                "Thursday", "Friday", "Saturday"};
  return days;
}

int weekday_of(const std::string& day) {
  const auto& days = day_names();
  return static_cast<int>(std::find(days.begin(), days.end(), day) - days.begin());
}

Status check_schedule(const ScheduleRecord& s) {
  static const std::regex id(R"([A-Za-z0-9_.-]{1,128})");
  if (!std::regex_match(s.schedule_id, id))
    return Error::validation(
        "scheduleId '" + s.schedule_id + "' must be 1 to 128 letters, digits, '.', '-' or '_'",
        "scheduleId");
  if (s.workflow_id.empty()) return Error::validation("workflowId is required", "workflowId");
  if (s.aggregation_period != "Daily" && s.aggregation_period != "Weekly")
    return Error::validation("aggregationPeriod must be Daily or Weekly", "aggregationPeriod");
  if (s.aggregation_hour_utc < 0 || s.aggregation_hour_utc > 23)
    return Error::validation("aggregationHourUtc must be an hour of the day, 0 to 23",
                             "aggregationHourUtc");
  if (weekday_of(s.aggregation_start_day) == 7)
    return Error::validation("aggregationStartDay must be a day of the week, Monday to Sunday",
                             "aggregationStartDay");
  return {};
}

Status require_workflow(Tx& tx, const std::string& instance_id, const std::string& workflow_id) {
  CR_ASSIGN(auto w, repo::find(tx, instance_id, workflow_id));
  if (!w) return Error::not_found(Resource::Workflow, workflow_id);
  return {};
}

}  // namespace

std::optional<int64_t> latest_due(const ScheduleRecord& s, int64_t after, int64_t now) {
  const int64_t hour = s.aggregation_hour_utc * 3600;
  // The latest instant at the hour not after now, then back to the start day for Weekly.
  const int64_t since = now - hour;
  int64_t t = (since >= 0 ? since / 86400 : (since - 86399) / 86400) * 86400 + hour;
  if (s.aggregation_period == "Weekly") {
    const int want = weekday_of(s.aggregation_start_day);
    while (static_cast<int>(civil_from_seconds(t).weekday) != want) t -= 86400;
  }
  if (t <= after) return std::nullopt;
  return t;
}

std::pair<int64_t, int64_t> scheduled_window(const ScheduleRecord& s, int64_t due) {
  return {due - (s.aggregation_period == "Weekly" ? 7 : 1) * 86400, due};
}

Result<ScheduleRecord> WorkflowService::create_schedule(const AmcCaller& caller,
                                                        const std::string& instance_id,
                                                        ScheduleRecord s) {
  CR_ASSIGN(auto inst, instance(caller, instance_id));
  const int64_t now = clock_->now();
  // The public API: a Weekly schedule without a start day starts on the day it is created.
  if (s.aggregation_start_day.empty())
    s.aggregation_start_day = day_names()[civil_from_seconds(now).weekday];
  CR_TRY(check_schedule(s));
  s.instance_id = inst.instance_id;
  s.created_by = caller.user.user_id;
  s.created_at = s.updated_at = now;
  s.last_run_at = 0;
  return ctx_.db.write<ScheduleRecord>([&](Tx& tx) -> Result<ScheduleRecord> {
    CR_ASSIGN(auto existing, repo::find_schedule(tx, s.instance_id, s.schedule_id));
    if (existing)
      return Error::conflict(
          "schedule " + s.schedule_id + " already exists on instance " + s.instance_id,
          Cause::AlreadyExists, Resource::Schedule, s.schedule_id);
    CR_TRY(require_workflow(tx, s.instance_id, s.workflow_id));
    CR_TRY(repo::insert_schedule(tx, s));
    return s;
  });
}

Result<ScheduleRecord> WorkflowService::get_schedule(const AmcCaller& caller,
                                                     const std::string& instance_id,
                                                     const std::string& schedule_id) {
  CR_ASSIGN(auto inst, instance(caller, instance_id));
  return ctx_.db.read<ScheduleRecord>([&](Tx& tx) -> Result<ScheduleRecord> {
    CR_ASSIGN(auto s, repo::find_schedule(tx, inst.instance_id, schedule_id));
    if (!s) return Error::not_found(Resource::Schedule, schedule_id);
    return *s;
  });
}

Result<SchedulePage> WorkflowService::list_schedules(const AmcCaller& caller,
                                                     const std::string& instance_id,
                                                     const std::string& next_token, int limit) {
  if (limit < 1 || limit > 100)
    return Error::validation("limit must be between 1 and 100", "limit");
  CR_ASSIGN(auto inst, instance(caller, instance_id));
  return ctx_.db.read<SchedulePage>([&](Tx& tx) -> Result<SchedulePage> {
    CR_ASSIGN(auto rows, repo::list_schedules(tx, inst.instance_id, next_token, limit + 1));
    SchedulePage page;
    if (static_cast<int>(rows.size()) > limit) {
      rows.resize(limit);
      page.next_token = rows.back().schedule_id;
    }
    page.schedules = std::move(rows);
    return page;
  });
}

Result<ScheduleRecord> WorkflowService::update_schedule(const AmcCaller& caller,
                                                        const std::string& instance_id,
                                                        ScheduleRecord s) {
  CR_ASSIGN(auto inst, instance(caller, instance_id));
  return ctx_.db.write<ScheduleRecord>([&](Tx& tx) -> Result<ScheduleRecord> {
    CR_ASSIGN(auto existing, repo::find_schedule(tx, inst.instance_id, s.schedule_id));
    if (!existing) return Error::not_found(Resource::Schedule, s.schedule_id);
    if (s.aggregation_start_day.empty()) s.aggregation_start_day = existing->aggregation_start_day;
    CR_TRY(check_schedule(s));
    CR_TRY(require_workflow(tx, inst.instance_id, s.workflow_id));
    s.instance_id = inst.instance_id;
    s.created_by = existing->created_by;
    s.created_at = existing->created_at;
    s.updated_at = clock_->now();
    s.last_run_at = existing->last_run_at;
    CR_TRY(repo::update_schedule(tx, s));
    return s;
  });
}

Status WorkflowService::remove_schedule(const AmcCaller& caller, const std::string& instance_id,
                                        const std::string& schedule_id) {
  CR_ASSIGN(auto inst, instance(caller, instance_id));
  return status_of(ctx_.db.write<bool>([&](Tx& tx) -> Result<bool> {
    CR_ASSIGN(auto existing, repo::find_schedule(tx, inst.instance_id, schedule_id));
    if (!existing) return Error::not_found(Resource::Schedule, schedule_id);
    CR_TRY(repo::remove_schedule(tx, inst.instance_id, schedule_id));
    return true;
  }));
}

Result<int> WorkflowService::run_due_schedules() {
  const int64_t now = clock_->now();
  CR_ASSIGN(auto schedules, ctx_.db.read<std::vector<ScheduleRecord>>(
                                [](Tx& tx) { return repo::enabled_schedules(tx); }));
  int started = 0;
  for (const auto& s : schedules) {
    // Nothing before the schedule existed or was last changed, nothing twice; of the runs missed
    // while the server was down, only the latest.
    auto due = latest_due(s, std::max(s.last_run_at, s.updated_at), now);
    if (!due) continue;
    // Claimed first, so that a scheduled instant runs at most once (also across nodes).
    CR_ASSIGN(bool claimed, ctx_.db.write<bool>([&](Tx& tx) {
      return repo::claim_schedule_run(tx, s.instance_id, s.schedule_id, s.last_run_at, *due);
    }));
    if (!claimed) continue;
    // The run is the schedule creator's, in the instance's AMC account.
    auto caller = ctx_.db.read<AmcCaller>([&](Tx& tx) -> Result<AmcCaller> {
      CR_ASSIGN(auto inst, catalog::instances_repo::find(tx, s.instance_id));
      if (!inst) return Error::not_found(Resource::Instance, s.instance_id);
      CR_ASSIGN(auto account, catalog::accounts_repo::find_amc_account(tx, inst->advertiser_id));
      if (!account) return Error::not_found(Resource::AmcAccount, inst->advertiser_id);
      AmcCaller c;
      c.user.user_id = s.created_by;
      c.amc_account = *account;
      c.amc_role = "USER";
      return c;
    });
    const auto [start, end] = scheduled_window(s, *due);
    StartExecutionRequest req;
    req.workflow_id = s.workflow_id;
    req.time_window_type = "EXPLICIT";
    req.time_window_start = format_civil_time(start);
    req.time_window_end = format_civil_time(end);
    auto run = caller.ok() ? submit(*caller, s.instance_id, req, s.schedule_id, nullptr)
                           : Result<WorkflowExecutionView>(caller.error());
    if (!run.ok()) {
      spdlog::warn("schedule {} of instance {} could not start its run of {}: {}", s.schedule_id,
                   s.instance_id, format_iso8601(*due), run.error().message);
      continue;
    }
    ++started;
  }
  return started;
}

struct WorkflowScheduler::State {
  WorkflowService& workflows;
  std::chrono::milliseconds interval;
  std::mutex mu;
  std::condition_variable cv;
  bool stopping = false;
  std::thread thread;
  std::vector<std::function<void()>> tasks;
};

WorkflowScheduler::WorkflowScheduler(WorkflowService& workflows, std::chrono::milliseconds interval)
    : s_(new State{workflows, interval}) {}

WorkflowScheduler::~WorkflowScheduler() { stop(); }

void WorkflowScheduler::start() {
  if (s_->thread.joinable()) return;
  s_->thread = std::thread([s = s_.get()] {
    std::unique_lock lock(s->mu);
    while (!s->stopping) {
      lock.unlock();
      if (auto r = s->workflows.run_due_schedules(); !r.ok())
        spdlog::warn("schedules: {}", r.error().message);
      for (const auto& task : s->tasks) task();
      lock.lock();
      s->cv.wait_for(lock, s->interval, [s] { return s->stopping; });
    }
  });
}

void WorkflowScheduler::add_task(std::function<void()> task) {
  s_->tasks.push_back(std::move(task));
}

void WorkflowScheduler::stop() {
  {
    std::lock_guard lock(s_->mu);
    s_->stopping = true;
  }
  s_->cv.notify_all();
  if (s_->thread.joinable()) s_->thread.join();
}

}  // namespace cleanroom::core
