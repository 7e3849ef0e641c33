#pragma once
// What the server counts about itself, and GET /metrics, which shows it in the Prometheus text
// format to the operator only: the numbers add up every tenant's activity (docs/operations.md,
// "Metrics" lists each metric and its labels).
#include <atomic>
#include <string>
#include <string_view>

#include "api/http.h"
#include "common/metrics.h"
#include "core/core.h"

namespace cleanroom::api {

class ServerMetrics {
 public:
  explicit ServerMetrics(core::Services& services);

  // A request starts and ends (the in-flight gauge).
  void started() { ++in_flight_; }
  // One answered request: `face` is the face that answered ("amc", "cleanrooms", ...), and
  // req.operation what it asked for ("" counts as "none"); `body_bytes` is the size of the body
  // as it was received. Returns the operation label it counted the request under.
  std::string record(std::string_view face, const Request& req, int status, double seconds,
                     size_t body_bytes);

  // GET /metrics: the exposition text for the operator's bearer token; anyone else is refused
  // as the admin API refuses.
  Response handle(const Request& req);
  std::string render() const;

 private:
  core::Services& s_;
  std::atomic<int64_t> in_flight_{0};
  metrics::Counter requests_;
  metrics::Histogram durations_;
  metrics::Counter uploads_;
  metrics::Counter upload_bytes_;
  metrics::Observed in_flight_gauge_;
  metrics::Observed queries_;
  metrics::Observed queries_submitted_;
  metrics::Observed queries_ended_;
  metrics::Observed queue_depth_;
  metrics::Observed catalog_wait_;
};

}  // namespace cleanroom::api
