#include "core/workflows.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <regex>
#include <set>

#include "catalog/collaborations_repo.h"
#include "common/clock.h"
#include "common/crypto.h"
#include "core/active_readers.h"
#include "core/platform.h"
#include "policy/parameters.h"

namespace cleanroom::core {
namespace repo = catalog::workflows_repo;
using catalog::Tx;
using catalog::WorkflowExecutionRecord;
using catalog::WorkflowParameter;
using catalog::WorkflowRecord;
using nlohmann::json;

namespace {

const std::set<std::string>& parameter_types() {
  // The public dataType enum, less BINARY and CALENDAR_INTERVAL (no literal of ours means one).
  static const std::set<std::string> types = {"STRING",  "BYTE",  "SHORT",    "INTEGER",
                                              "LONG",    "FLOAT", "DECIMAL",  "DOUBLE",
                                              "BOOLEAN", "DATE",  "TIMESTAMP"};
  return types;
}

std::string upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::toupper(c); });
  return s;
}

// --- dates and times ----------------------------------------------------------------------------

bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

bool valid_date(int y, int m, int d) {
  static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (y < 1 || m < 1 || m > 12 || d < 1) return false;
  return d <= days[m - 1] + (m == 2 && leap(y) ? 1 : 0);
}

// yyyy-MM-ddTHH:mm:ss (a space for the T, and a trailing Z, are accepted) as
// "yyyy-MM-ddTHH:mm:ss"; nullopt when it is not a real moment.
std::optional<std::string> parse_timestamp(const std::string& s) {
  static const std::regex re(R"((\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})Z?)");
  std::smatch m;
  if (!std::regex_match(s, m, re)) return std::nullopt;
  auto n = [&](int i) { return std::stoi(m[i].str()); };
  if (!valid_date(n(1), n(2), n(3)) || n(4) > 23 || n(5) > 59 || n(6) > 59) return std::nullopt;
  return m[1].str() + "-" + m[2].str() + "-" + m[3].str() + "T" + m[4].str() + ":" + m[5].str() +
         ":" + m[6].str();
}

std::optional<std::string> parse_date(const std::string& s) {
  static const std::regex re(R"((\d{4})-(\d{2})-(\d{2}))");
  std::smatch m;
  if (!std::regex_match(s, m, re)) return std::nullopt;
  if (!valid_date(std::stoi(m[1].str()), std::stoi(m[2].str()), std::stoi(m[3].str())))
    return std::nullopt;
  return s;
}

std::string timestamp_literal(const std::string& normalized) {
  std::string t = normalized;
  t[10] = ' ';
  return "TIMESTAMP '" + t + "'";
}

// --- literals -----------------------------------------------------------------------------------

std::string string_literal(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    out += c;
    if (c == '\'') out += '\'';
  }
  return out + "'";
}

// A negative number is parenthesised: "a -CUSTOM_PARAMETER('x')" must not become "a --5", a
// comment.
std::string number_literal(const std::string& text) {
  return text[0] == '-' ? "(" + text + ")" : text;
}

Result<std::string> scalar_literal(const json& v, std::string type, const std::string& field) {
  if (type.empty()) {  // no declaration: the JSON type says
    if (v.is_string())
      type = "STRING";
    else if (v.is_boolean())
      type = "BOOLEAN";
    else if (v.is_number_integer() || v.is_number_unsigned())
      type = "LONG";
    else if (v.is_number_float())
      type = "DOUBLE";
    else
      return Error::validation(field + " must be a string, number, boolean or a list of them",
                               field);
  }
  auto wrong = [&](const std::string& what) {
    return Error::validation(
        field + " must be " + what + " (the parameter's dataType is " + type + ")", field);
  };
  if (type == "STRING") {
    if (!v.is_string()) return wrong("a string");
    const std::string s = v.get<std::string>();
    if (s.find('\0') != std::string::npos) return wrong("a string without NUL characters");
    return string_literal(s);
  }
  if (type == "BYTE" || type == "SHORT" || type == "INTEGER" || type == "LONG") {
    static const std::regex re(R"(-?\d{1,19})");
    std::string text = v.is_number_integer() || v.is_number_unsigned() ? v.dump()
                       : v.is_string()                                 ? v.get<std::string>()
                                                                       : "";
    if (!std::regex_match(text, re)) return wrong("a whole number");
    return number_literal(text);
  }
  if (type == "DECIMAL" || type == "DOUBLE" || type == "FLOAT") {
    static const std::regex re(R"(-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?)");
    std::string text = v.is_number() ? v.dump() : v.is_string() ? v.get<std::string>() : "";
    if (!std::regex_match(text, re)) return wrong("a number");
    return number_literal(text);
  }
  if (type == "BOOLEAN") {
    if (v.is_boolean()) return std::string(v.get<bool>() ? "TRUE" : "FALSE");
    if (v.is_string() &&
        (upper(v.get<std::string>()) == "TRUE" || upper(v.get<std::string>()) == "FALSE"))
      return upper(v.get<std::string>());
    return wrong("true or false");
  }
  if (type == "DATE") {
    auto d = v.is_string() ? parse_date(v.get<std::string>()) : std::nullopt;
    if (!d) return wrong("a date, yyyy-MM-dd");
    return "DATE '" + *d + "'";
  }
  if (type == "TIMESTAMP") {
    auto t = v.is_string() ? parse_timestamp(v.get<std::string>()) : std::nullopt;
    if (!t) return wrong("a timestamp, yyyy-MM-ddTHH:mm:ss");
    return timestamp_literal(*t);
  }
  return Error::validation(field + ": unknown dataType " + type, field);
}

// A list value becomes a DuckDB list literal, [a, b], for ARRAY_CONTAINS / list functions.
Result<std::string> literal(const json& v, const std::string& type, const std::string& field) {
  if (!v.is_array()) return scalar_literal(v, type, field);
  std::string out = "[";
  for (size_t i = 0; i < v.size(); ++i) {
    const std::string f = field + "[" + std::to_string(i) + "]";
    if (v[i].is_array()) return Error::validation(f + ": lists of lists are not supported", f);
    CR_ASSIGN(auto item, scalar_literal(v[i], type, f));
    out += (i ? ", " : "") + item;
  }
  return out + "]";
}

// --- the rest -----------------------------------------------------------------------------------

bool ended(ExecutionStatus status) {
  return status == ExecutionStatus::Succeeded || status == ExecutionStatus::Failed ||
         status == ExecutionStatus::Cancelled;
}

WorkflowExecutionView view_of(const WorkflowExecutionRecord& e,
                              const catalog::ProtectedQueryRecord& q) {
  WorkflowExecutionView v;
  v.execution = e;
  v.status = execution_status(q.status);
  if (v.status == ExecutionStatus::Failed || v.status == ExecutionStatus::Cancelled)
    v.status_reason = q.error_message;
  if (v.status == ExecutionStatus::Succeeded) v.output_location = q.result_location;
  v.rows_written = q.rows_written;
  v.started_at_ms = q.started_at_ms;
  v.finished_at_ms = q.finished_at_ms;
  return v;
}

Result<WorkflowExecutionView> read_execution(Tx& tx, const std::string& instance_id,
                                             const std::string& execution_id) {
  CR_ASSIGN(auto e, repo::find_execution(tx, instance_id, execution_id));
  if (!e) return Error::not_found(Resource::WorkflowExecution, execution_id);
  CR_ASSIGN(auto q, catalog::protected_queries_repo::find(tx, e->protected_query_id));
  if (!q)
    return Error::internal("the protected query of execution " + execution_id + " is missing");
  return view_of(*e, *q);
}

}  // namespace

ExecutionStatus execution_status(QueryStatus s) {
  switch (s) {
    case QueryStatus::Submitted:
      return ExecutionStatus::Pending;
    case QueryStatus::Started:
    case QueryStatus::Cancelling:
      return ExecutionStatus::Running;
    case QueryStatus::Success:
      return ExecutionStatus::Succeeded;
    case QueryStatus::Cancelled:
      return ExecutionStatus::Cancelled;
    case QueryStatus::Failed:
    case QueryStatus::TimedOut:
      return ExecutionStatus::Failed;
  }
  return ExecutionStatus::Failed;  // unreachable: the switch names every status
}

Status check_workflow(const WorkflowRecord& w) {
  static const std::regex id(R"([A-Za-z0-9._-]{1,128})");
  if (!std::regex_match(w.workflow_id, id))
    return Error::validation(
        "workflowId '" + w.workflow_id + "' must be 1 to 128 letters, digits, '.', '-' or '_'",
        "workflowId");
  if (w.sql_query.find_first_not_of(" \t\r\n") == std::string::npos)
    return Error::validation("sqlQuery is required", "sqlQuery");
  if (w.sql_query.size() > 256 * 1024)
    return Error::validation("sqlQuery is longer than 256 KiB", "sqlQuery");
  static const std::regex name(R"([A-Za-z0-9_.-]{1,128})");
  std::set<std::string> names;
  for (size_t i = 0; i < w.input_parameters.size(); ++i) {
    const auto& p = w.input_parameters[i];
    const std::string f = "inputParameters[" + std::to_string(i) + "]";
    if (!std::regex_match(p.name, name))
      return Error::validation(f + ".name must be 1 to 128 letters, digits, '.', '-' or '_'",
                               f + ".name");
    if (!names.insert(p.name).second)
      return Error::validation(f + ".name: parameter " + p.name + " is declared twice",
                               f + ".name");
    if (!parameter_types().count(p.data_type))
      return Error::validation(f + ".dataType must be one of STRING, BYTE, SHORT, INTEGER, LONG, "
                                   "FLOAT, DECIMAL, DOUBLE, BOOLEAN, DATE, TIMESTAMP",
                               f + ".dataType");
    if (!p.column_type.empty() && p.column_type != "DIMENSION" && p.column_type != "METRIC")
      return Error::validation(f + ".columnType must be DIMENSION or METRIC", f + ".columnType");
    if (!p.default_value.is_null())
      CR_TRY(status_of(literal(p.default_value, p.data_type, f + ".defaultValue")));
  }
  // The filtered-row options and outputColumns (core/workflow_output.h).
  return check_output_options(w);
}

// CUSTOM_PARAMETER('name') and BUILT_IN_PARAMETER('name') calls are found on DuckDB's parse tree
// and replaced there by the value's constant (policy/parameters.h): a value never becomes text
// that the parser could read as anything but a constant.
Result<std::string> fill_parameters(const std::string& sql, const TimeWindow& window,
                                    const json& values,
                                    const std::vector<WorkflowParameter>& declared) {
  if (!values.is_object())
    return Error::validation("parameterValues must be an object", "parameterValues");
  std::map<std::string, const WorkflowParameter*> by_name;
  for (const auto& p : declared) by_name[p.name] = &p;
  std::set<std::string> used;
  auto bind = [&](const json& node) -> Result<std::optional<json>> {
    if (node.value("class", "") != "FUNCTION") return std::optional<json>{};
    const std::string fn = upper(node.value("function_name", ""));
    if (fn != "CUSTOM_PARAMETER" && fn != "BUILT_IN_PARAMETER") return std::optional<json>{};
    const json& args = node["children"];
    if (!args.is_array() || args.size() != 1 || args[0].value("class", "") != "CONSTANT" ||
        !args[0]["value"]["value"].is_string() || args[0]["value"]["value"].empty())
      return Error::validation(fn + " takes one name in single quotes, as " + fn + "('name')",
                               "sqlQuery");
    const std::string name = args[0]["value"]["value"].get<std::string>();
    std::string lit;
    if (fn == "BUILT_IN_PARAMETER") {
      if (upper(name) == "TIME_WINDOW_START")
        lit = timestamp_literal(window.start);
      else if (upper(name) == "TIME_WINDOW_END")
        lit = timestamp_literal(window.end);
      else
        return Error::validation("BUILT_IN_PARAMETER('" + name +
                                     "') is not known; use TIME_WINDOW_START or TIME_WINDOW_END",
                                 "sqlQuery");
    } else {
      used.insert(name);
      auto decl = by_name.find(name);
      const std::string type = decl == by_name.end() ? "" : decl->second->data_type;
      const std::string field = "parameterValues." + name;
      if (values.contains(name)) {
        CR_ASSIGN(lit, literal(values[name], type, field));
      } else if (decl != by_name.end() && !decl->second->default_value.is_null()) {
        CR_ASSIGN(lit,
                  literal(decl->second->default_value, type, "defaultValue of parameter " + name));
      } else {
        return Error::validation("the query uses CUSTOM_PARAMETER('" + name +
                                     "'), but parameterValues gives no value for it and the "
                                     "workflow declares no defaultValue",
                                 field);
      }
    }
    CR_ASSIGN(json constant, policy::literal_expression(lit));
    return std::optional<json>(std::move(constant));
  };
  CR_ASSIGN(auto out, policy::bind_in_tree(sql, bind));
  for (const auto& [name, value] : values.items())
    if (!used.count(name) && !by_name.count(name))
      return Error::validation("parameterValues." + name + ": the workflow has no parameter " +
                                   name + " (its SQL uses no CUSTOM_PARAMETER('" + name + "'))",
                               "parameterValues." + name);
  return out;
}

Result<catalog::InstanceRecord> WorkflowService::instance(const AmcCaller& caller,
                                                          const std::string& id) {
  // Another AMC account's instance is NotFound, as for every instance call.
  CR_ASSIGN(auto view, instances_.get(caller, id));
  return view.instance;
}

Result<WorkflowRecord> WorkflowService::create(const AmcCaller& caller,
                                               const std::string& instance_id, WorkflowRecord w) {
  CR_ASSIGN(auto inst, instance(caller, instance_id));
  CR_TRY(check_workflow(w));
  w.instance_id = inst.instance_id;
  w.created_by = caller.user.user_id;
  w.created_at = w.updated_at = now_epoch_seconds();
  return ctx_.db.write<WorkflowRecord>([&](Tx& tx) -> Result<WorkflowRecord> {
    CR_ASSIGN(auto existing, repo::find(tx, w.instance_id, w.workflow_id));
    if (existing)
      return Error::conflict(
          "workflow " + w.workflow_id + " already exists on instance " + w.instance_id,
          Cause::AlreadyExists, Resource::Workflow, w.workflow_id);
    CR_TRY(repo::insert(tx, w));
    return w;
  });
}

Result<WorkflowRecord> WorkflowService::get(const AmcCaller& caller, const std::string& instance_id,
                                            const std::string& workflow_id) {
  CR_ASSIGN(auto inst, instance(caller, instance_id));
  return ctx_.db.read<WorkflowRecord>([&](Tx& tx) -> Result<WorkflowRecord> {
    CR_ASSIGN(auto w, repo::find(tx, inst.instance_id, workflow_id));
    if (!w) return Error::not_found(Resource::Workflow, workflow_id);
    return *w;
  });
}

Result<WorkflowPage> WorkflowService::list(const AmcCaller& caller, const std::string& instance_id,
                                           const std::string& next_token, int limit) {
  if (limit < 1 || limit > 100)
    return Error::validation("limit must be between 1 and 100", "limit");
  CR_ASSIGN(auto inst, instance(caller, instance_id));
  return ctx_.db.read<WorkflowPage>([&](Tx& tx) -> Result<WorkflowPage> {
    CR_ASSIGN(auto rows, repo::list(tx, inst.instance_id, next_token, limit + 1));
    WorkflowPage page;
    if (static_cast<int>(rows.size()) > limit) {
      rows.resize(limit);
      page.next_token = rows.back().workflow_id;
    }
    page.workflows = std::move(rows);
    return page;
  });
}

Result<WorkflowRecord> WorkflowService::update(const AmcCaller& caller,
                                               const std::string& instance_id, WorkflowRecord w) {
  CR_ASSIGN(auto inst, instance(caller, instance_id));
  CR_TRY(check_workflow(w));
  return ctx_.db.write<WorkflowRecord>([&](Tx& tx) -> Result<WorkflowRecord> {
    CR_ASSIGN(auto existing, repo::find(tx, inst.instance_id, w.workflow_id));
    if (!existing) return Error::not_found(Resource::Workflow, w.workflow_id);
    w.instance_id = inst.instance_id;
    w.created_by = existing->created_by;
    w.created_at = existing->created_at;
    w.updated_at = now_epoch_seconds();
    CR_TRY(repo::update(tx, w));
    return w;
  });
}

Status WorkflowService::remove(const AmcCaller& caller, const std::string& instance_id,
                               const std::string& workflow_id) {
  CR_ASSIGN(auto inst, instance(caller, instance_id));
  // A schedule holds its workflow (the public API: a workflow used by a schedule cannot be
  // deleted); past executions keep their copy.
  return status_of(ctx_.db.write<bool>([&](Tx& tx) -> Result<bool> {
    CR_ASSIGN(auto existing, repo::find(tx, inst.instance_id, workflow_id));
    if (!existing) return Error::not_found(Resource::Workflow, workflow_id);
    CR_ASSIGN(auto schedules, repo::schedules_of_workflow(tx, inst.instance_id, workflow_id));
    if (!schedules.empty()) {
      std::string names;
      for (const auto& id : schedules) names += (names.empty() ? "" : ", ") + id;
      return Error::validation("workflow " + workflow_id + " is used by schedule" +
                                   (schedules.size() > 1 ? "s " : " ") + names +
                                   "; delete the schedule first",
                               "workflowId");
    }
    CR_TRY(repo::remove(tx, inst.instance_id, workflow_id));
    return true;
  }));
}

Result<WorkflowExecutionView> WorkflowService::start(const AmcCaller& caller,
                                                     const std::string& instance_id,
                                                     const StartExecutionRequest& req) {
  return submit(caller, instance_id, req, "", nullptr);
}

Result<DryRunView> WorkflowService::dry_run(const AmcCaller& caller, const std::string& instance_id,
                                            const StartExecutionRequest& req) {
  DryRunView out;
  CR_TRY(status_of(submit(caller, instance_id, req, "", &out)));
  return out;
}

Result<WorkflowExecutionView> WorkflowService::submit(const AmcCaller& caller,
                                                      const std::string& instance_id,
                                                      const StartExecutionRequest& req,
                                                      const std::string& schedule_id,
                                                      DryRunView* dry) {
  CR_ASSIGN(auto view, instances_.get(caller, instance_id));
  const auto& inst = view.instance;
  // The reference: "The collaboration instance will be operational once you create a membership
  // in the primary AWS account ID, after which you will be able to run queries."
  if (inst.creation_status != InstanceStatus::Active)
    return Error::validation(
        "instance " + inst.instance_id + " is not active yet: its primary AWS account " +
            inst.aws_account_id + " must first create its membership in collaboration '" +
            view.collaboration_name + "' (with the results destination); then workflows can run",
        "instanceId");
  if (view.collaboration_status != CollaborationStatus::Active)
    return Error::validation("the primary AWS account " + inst.aws_account_id + " of instance " +
                                 inst.instance_id + " is no longer in its collaboration (" +
                                 wire_string(view.collaboration_status) +
                                 "), so no workflow can run",
                             "instanceId");

  if (req.workflow_id.has_value() == req.workflow.has_value())
    return Error::validation("give either workflowId (a saved workflow) or workflow (inline)",
                             "workflowId");
  WorkflowRecord w;
  if (req.workflow) {
    w = *req.workflow;
    CR_TRY(check_workflow(w));
  } else {
    CR_ASSIGN(w, ctx_.db.read<WorkflowRecord>([&](Tx& tx) -> Result<WorkflowRecord> {
      CR_ASSIGN(auto saved, repo::find(tx, inst.instance_id, *req.workflow_id));
      if (!saved) return Error::not_found(Resource::Workflow, *req.workflow_id);
      return *saved;
    }));
  }
  // The window is read in its zone and applied in UTC, the time of the platform's *_dt_utc
  // columns; BUILT_IN_PARAMETER('TIME_WINDOW_START') names the same UTC instant.
  CR_ASSIGN(auto window, resolve_window({req.time_window_type, req.time_window_start,
                                         req.time_window_end, req.time_window_time_zone},
                                        clock_->now()));
  const TimeWindow utc{format_civil_time(window.start_utc), format_civil_time(window.end_utc)};
  CR_ASSIGN(std::string sql,
            fill_parameters(w.sql_query, utc, req.parameter_values, w.input_parameters));

  CR_ASSIGN(auto submitter, platform_account(ctx_.db, "QUERY_SUBMITTER"));
  CR_ASSIGN(
      auto membership,
      ctx_.db.read<catalog::MembershipRecord>([&](Tx& tx) -> Result<catalog::MembershipRecord> {
        CR_ASSIGN(auto ms, catalog::collaborations_repo::find_membership_of(
                               tx, inst.collaboration_id, submitter.account_id));
        if (!ms)
          return Error::internal(
              "the Query Submitter has no membership "
              "in the collaboration of instance " +
              inst.instance_id);
        return *ms;
      }));
  StartQueryRequest query;
  query.membership_id = membership.id;
  query.query_string = sql;
  // An instance's results go to its primary account's membership default.
  query.destination = ResultDestination{std::nullopt, inst.aws_account_id};
  query.destination_names =
      DestinationNames::stored("the results destination of instance " + inst.instance_id);
  query.filtered_rows_column = w.filtered_metrics_discriminator_column;
  query.output_options = output_options_of(w);
  query.time_window = std::make_pair(window.start_utc, window.end_utc);

  WorkflowExecutionRecord e;
  e.instance_id = inst.instance_id;
  e.workflow_id = w.workflow_id;
  e.saved_workflow = !req.workflow;
  e.workflow = w;
  e.workflow.instance_id.clear();
  e.membership_id = membership.id;
  e.time_window_start = format_civil_time(window.start_local);
  e.time_window_end = format_civil_time(window.end_local);
  e.time_window_time_zone = window.zone;
  e.time_window_type = to_string(window.type);
  e.time_window_start_utc = utc.start;
  e.time_window_end_utc = utc.end;
  e.schedule_id = schedule_id;
  e.parameter_values = req.parameter_values;
  e.created_by = caller.user.user_id;
  e.created_at_ms = now_epoch_millis();
  if (dry) {
    CR_ASSIGN(auto plan, queries_.dry_run(submitter.account_id, query));
    dry->execution = e;
    dry->columns = std::move(plan.columns);
    return WorkflowExecutionView{};
  }
  e.execution_id = crypto::uuid4();
  const int allowed = queries_.limits().executions_per_instance;
  query.record_with = [&e, allowed](Tx& tx, const catalog::ProtectedQueryRecord& q) -> Status {
    // In the transaction that records it: two submits cannot both take the last place.
    CR_ASSIGN(int64_t unfinished, repo::count_unfinished_executions(tx, e.instance_id));
    if (unfinished >= allowed)
      return Error::throttled("instance " + e.instance_id + " already has " +
                              std::to_string(unfinished) +
                              " workflow executions pending or running, the most it may; submit "
                              "this one when one has ended");
    e.protected_query_id = q.id;
    return repo::insert_execution(tx, e);
  };
  CR_TRY(status_of(queries_.start(submitter.account_id, query)));
  return ctx_.db.read<WorkflowExecutionView>([&](Tx& tx) -> Result<WorkflowExecutionView> {
    // The query may have moved on already; show its state as of now.
    return read_execution(tx, e.instance_id, e.execution_id);
  });
}

Result<WorkflowExecutionView> WorkflowService::get_execution(const AmcCaller& caller,
                                                             const std::string& instance_id,
                                                             const std::string& execution_id) {
  CR_ASSIGN(auto inst, instance(caller, instance_id));
  CR_ASSIGN(auto v,
            ctx_.db.read<WorkflowExecutionView>([&](Tx& tx) -> Result<WorkflowExecutionView> {
              // Executions are the instance's query log: read only while its primary account is
              // active.
              CR_TRY(check_active_reader(tx, inst.collaboration_id, inst.aws_account_id));
              return read_execution(tx, inst.instance_id, execution_id);
            }));
  if (v.status == ExecutionStatus::Running)
    v.progress = queries_.progress_of(v.execution.protected_query_id);
  return v;
}

Result<ExecutionPage> WorkflowService::list_executions(const AmcCaller& caller,
                                                       const std::string& instance_id,
                                                       const std::string& workflow_id,
                                                       const std::string& next_token, int limit) {
  if (limit < 1 || limit > 100)
    return Error::validation("limit must be between 1 and 100", "limit");
  CR_ASSIGN(auto inst, instance(caller, instance_id));
  return ctx_.db.read<ExecutionPage>([&](Tx& tx) -> Result<ExecutionPage> {
    CR_TRY(check_active_reader(tx, inst.collaboration_id, inst.aws_account_id));
    CR_ASSIGN(auto rows,
              repo::list_executions(tx, inst.instance_id, workflow_id, next_token, limit + 1));
    ExecutionPage page;
    for (size_t i = 0; i < rows.size() && static_cast<int>(i) < limit; ++i) {
      CR_ASSIGN(auto q, catalog::protected_queries_repo::find(tx, rows[i].protected_query_id));
      if (!q)
        return Error::internal("the protected query of execution " + rows[i].execution_id +
                               " is missing");
      page.executions.push_back(view_of(rows[i], *q));
    }
    if (static_cast<int>(rows.size()) > limit) page.next_token = rows[limit - 1].execution_id;
    return page;
  });
}

Result<WorkflowExecutionView> WorkflowService::cancel(const AmcCaller& caller,
                                                      const std::string& instance_id,
                                                      const std::string& execution_id) {
  CR_ASSIGN(auto v, get_execution(caller, instance_id, execution_id));
  auto not_cancellable = [&](ExecutionStatus status) {
    return Error::validation("workflow execution " + execution_id + " is " + wire_string(status) +
                                 "; only " + wire_string(ExecutionStatus::Pending) + " or " +
                                 wire_string(ExecutionStatus::Running) +
                                 " executions can be cancelled",
                             "status");
  };
  if (ended(v.status)) return not_cancellable(v.status);
  // The Query Submitter started the query, so only it may cancel it.
  CR_ASSIGN(auto submitter, platform_account(ctx_.db, "QUERY_SUBMITTER"));
  auto cancelled = queries_.cancel(submitter.account_id, v.execution.membership_id,
                                   v.execution.protected_query_id);
  if (!cancelled.ok()) {
    if (cancelled.error().kind != ErrorKind::Conflict) return cancelled.error();
    // It ended, or is already being cancelled, since it was read.
    CR_ASSIGN(v, get_execution(caller, instance_id, execution_id));
    if (!ended(v.status))
      return Error::validation("workflow execution " + execution_id + " is already being cancelled",
                               "status");
    return not_cancellable(v.status);
  }
  return view_of(v.execution, cancelled->query);
}

Result<std::vector<std::string>> WorkflowService::download_locations(
    const AmcCaller& caller, const std::string& instance_id, const std::string& execution_id) {
  CR_ASSIGN(auto v, get_execution(caller, instance_id, execution_id));
  if (v.status != ExecutionStatus::Succeeded)
    return Error::validation("workflow execution " + execution_id + " is " + wire_string(v.status) +
                                 "; its result can be downloaded once it has SUCCEEDED",
                             "workflowExecutionId");
  return std::vector<std::string>{v.output_location};
}

}  // namespace cleanroom::core
