#include "api/server_metrics.h"

#include "api/admin/admin_face.h"
#include "api/amc/amc_face.h"
#include "api/router.h"
#include "common/states.h"

namespace cleanroom::api {
namespace {

using metrics::Observed;
using metrics::Sample;

// Request latency, from a cached read to a large upload.
const std::vector<double> kLatencyBounds = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                            0.25,  0.5,    1,     2.5,  5,     10,   30};

// The one sample of a metric without labels.
std::vector<Sample> one(double value) { return {{{}, value}}; }

// The requests that bring data, by the operation they name.
bool is_upload(std::string_view operation) {
  return operation == "PUT /datasets/{database}/{table}" ||
         operation == "POST /amc/advertiserData/{instanceId}/uploads/{dataSetId}";
}

// The dataset face routes by hand (api/data/data_face.cpp); its operations, by the same rules.
std::string dataset_operation(const Request& req) {
  auto segments = split_path(req.path);  // "datasets", then the face's own
  if (segments.size() == 1 && req.method == "GET") return "GET /datasets";
  if (segments.size() == 3 && (req.method == "GET" || req.method == "PUT"))
    return req.method + " /datasets/{database}/{table}";
  if (segments.size() == 4 && segments[3] == "match" && req.method == "POST")
    return "POST /datasets/{database}/{table}/match";
  if (segments.size() == 5 && segments[3] == "uploads" &&
      (req.method == "GET" || req.method == "DELETE"))
    return req.method + " /datasets/{database}/{table}/uploads/{uploadId}";
  return "";
}

}  // namespace

ServerMetrics::ServerMetrics(core::Services& services)
    : s_(services),
      requests_("cleanroom_http_requests_total",
                "Requests answered, by face, operation and status.",
                {"face", "operation", "status"}),
      durations_("cleanroom_http_request_duration_seconds",
                 "Time from a parsed request to its answer, by face and operation.",
                 {"face", "operation"}, kLatencyBounds),
      uploads_("cleanroom_uploads_total",
               "Upload requests (dataset and AMC uploads), by face and status.",
               {"face", "status"}),
      upload_bytes_("cleanroom_upload_bytes_total",
                    "Bytes of the bodies of upload requests, by face.", {"face"}),
      in_flight_gauge_("cleanroom_http_requests_in_flight", "Requests being answered now.",
                       Observed::Type::Gauge, {},
                       [this] { return one(static_cast<double>(in_flight_.load())); }),
      queries_(
          "cleanroom_protected_queries",
          "Protected queries waiting for a worker (SUBMITTED) and running (STARTED) now.",
          Observed::Type::Gauge, {"state"},
          [this] {
            auto c = s_.protected_queries.counts();
            return std::vector<Sample>{
                {{std::string(wire_name(QueryStatus::Submitted))}, static_cast<double>(c.queued)},
                {{std::string(wire_name(QueryStatus::Started))}, static_cast<double>(c.running)}};
          }),
      queries_submitted_("cleanroom_protected_queries_submitted_total",
                         "Protected queries submitted since the server started.",
                         Observed::Type::Counter, {},
                         [this] { return one(s_.protected_queries.counts().submitted); }),
      queries_ended_(
          "cleanroom_protected_queries_ended_total",
          "Protected queries that ended since the server started, by final state.",
          Observed::Type::Counter, {"state"},
          [this] {
            auto c = s_.protected_queries.counts();
            std::vector<Sample> out;
            for (QueryStatus s : {QueryStatus::Success, QueryStatus::Failed, QueryStatus::Cancelled,
                                  QueryStatus::TimedOut})
              out.push_back({{std::string(wire_name(s))}, static_cast<double>(c.ended[s])});
            return out;
          }),
      queue_depth_("cleanroom_query_queue_depth", "Protected queries waiting for a worker.",
                   Observed::Type::Gauge, {},
                   [this] { return one(s_.protected_queries.counts().queued); }),
      catalog_wait_("cleanroom_catalog_lock_wait_seconds_total",
                    "Time requests and workers waited for the catalog's writer.",
                    Observed::Type::Counter, {},
                    [this] { return one(s_.ctx.db.writer_wait_stats().seconds); }) {}

std::string ServerMetrics::record(std::string_view face, const Request& req, int status,
                                  double seconds, size_t body_bytes) {
  --in_flight_;
  std::string operation = req.operation;
  if (operation.empty() && face == "datasets") operation = dataset_operation(req);
  if (operation.empty()) operation = "none";
  const std::string face_label(face);
  const std::string code = std::to_string(status);
  requests_.add({face_label, operation, code});
  durations_.observe({face_label, operation}, seconds);
  if (is_upload(operation)) {
    uploads_.add({face_label, code});
    upload_bytes_.add({face_label}, static_cast<double>(body_bytes));
  }
  return operation;
}

std::string ServerMetrics::render() const {
  std::string out;
  requests_.render(out);
  durations_.render(out);
  in_flight_gauge_.render(out);
  uploads_.render(out);
  upload_bytes_.render(out);
  queries_.render(out);
  queries_submitted_.render(out);
  queries_ended_.render(out);
  queue_depth_.render(out);
  catalog_wait_.render(out);
  return out;
}

Response ServerMetrics::handle(const Request& req) {
  if (Status s = admin::require_operator(s_, req); !s.ok())
    return amc::error_response(s.error(), req.request_id);
  if (req.method != "GET")
    return amc::error_response(Error::validation(req.method + " is not supported on /metrics"),
                               req.request_id);
  Response r;
  r.content_type = metrics::kContentType;
  r.body = render();
  return r;
}

}  // namespace cleanroom::api
