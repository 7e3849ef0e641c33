// StartProtectedQuery, GetProtectedQuery, ListProtectedQueries, UpdateProtectedQuery.
#include "api/cleanrooms/destination_json.h"
#include "api/cleanrooms/operations.h"
#include "api/cleanrooms/wire_shapes.h"
#include "api/progress_json.h"

namespace cleanroom::api::cleanrooms {
using nlohmann::json;

namespace {

double seconds(int64_t ms) { return static_cast<double>(ms) / 1000.0; }

json receiver_configurations(const catalog::ProtectedQueryRecord& q) {
  return json::array({{{"analysisType", "DIRECT_ANALYSIS"},
                       {"configurationDetails",
                        {{"directAnalysisConfigurationDetails",
                          {{"receiverAccountIds", json::array({q.receiver_account_id})}}}}}}});
}

json summary_json(const core::ProtectedQueryView& v) {
  const auto& q = v.query;
  return {{"id", q.id},
          {"membershipId", q.membership_id},
          {"membershipArn", membership_arn(v.membership_account_id, q.membership_id)},
          {"createTime", seconds(q.created_at_ms)},
          {"status", wire_name(q.status)},
          {"receiverConfigurations", receiver_configurations(q)}};
}

json protected_query_json(const core::ProtectedQueryView& v) {
  const auto& q = v.query;
  json out = summary_json(v);
  out.erase("receiverConfigurations");
  if (q.analysis_template_arn.empty())
    out["sqlParameters"] = {{"queryString", q.query_text}};
  else
    out["sqlParameters"] = {{"analysisTemplateArn", q.analysis_template_arn},
                            {"parameters", q.parameters}};
  if (v.shows_result) {
    S3Destination where{q.result_bucket, q.result_key_prefix, q.result_format, std::nullopt, ""};
    out["resultConfiguration"] = {{"outputConfiguration", {{"s3", s3_json(where)}}}};
    if (!q.result_location.empty())
      out["result"] = {{"output", {{"s3", {{"location", q.result_location}}}}}};
  }
  if (q.finished_at_ms != 0)
    out["statistics"] = {{"totalDurationInMillis", q.finished_at_ms - q.created_at_ms}};
  if (!q.error_code.empty()) out["error"] = {{"code", q.error_code}, {"message", q.error_message}};
  if (!q.differential_privacy.is_null())
    out["differentialPrivacy"] = {{"sensitivityParameters", q.differential_privacy}};
  // Not in the service model (clients built from it ignore it): how far a running query is.
  if (v.progress) out["progress"] = progress_json(*v.progress);
  return {{"protectedQuery", out}};
}

}  // namespace

void add_protected_query_operations(OperationTable& t, core::Services& s) {
  t["StartProtectedQuery"] = [&s](const std::string& account, const json& in) -> Result<json> {
    core::StartQueryRequest r;
    r.membership_id = in["membershipIdentifier"];
    r.type = in["type"];
    const json sql = in.value("sqlParameters", json::object());
    r.query_string = optional_string(sql, "queryString");
    r.analysis_template_arn = optional_string(sql, "analysisTemplateArn");
    if (sql.contains("parameters"))
      for (const auto& [k, v] : sql["parameters"].items()) r.parameters[k] = v.get<std::string>();
    CR_ASSIGN(r.destination, query_destination_of(in.value("resultConfiguration", json())));
    r.destination_names = destination_names("resultConfiguration");
    CR_ASSIGN(auto v, s.protected_queries.start(account, r));
    return protected_query_json(v);
  };
  t["GetProtectedQuery"] = [&s](const std::string& account, const json& in) -> Result<json> {
    CR_ASSIGN(auto v, s.protected_queries.get(account, in["membershipIdentifier"],
                                              in["protectedQueryIdentifier"]));
    return protected_query_json(v);
  };
  t["ListProtectedQueries"] = [&s](const std::string& account, const json& in) -> Result<json> {
    CR_ASSIGN(auto status, optional_state<QueryStatus>(in, "status"));
    CR_ASSIGN(auto page,
              s.protected_queries.list(account, in["membershipIdentifier"], status, page_of(in)));
    json out = {{"protectedQueries", json::array()}};
    for (const auto& v : page.first) out["protectedQueries"].push_back(summary_json(v));
    if (!page.second.empty()) out["nextToken"] = page.second;
    return out;
  };
  t["UpdateProtectedQuery"] = [&s](const std::string& account, const json& in) -> Result<json> {
    // The model's only target status is CANCELLED, checked by the service model's validation.
    CR_ASSIGN(auto v, s.protected_queries.cancel(account, in["membershipIdentifier"],
                                                 in["protectedQueryIdentifier"]));
    return protected_query_json(v);
  };
}

}  // namespace cleanroom::api::cleanrooms
