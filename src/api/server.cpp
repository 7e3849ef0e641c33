#include "api/server.h"

#include <spdlog/spdlog.h>

#include <chrono>

#include "api/admin/admin_face.h"
#include "api/amc/amc_face.h"
#include "api/cleanrooms/cleanrooms_face.h"
#include "api/console/console_face.h"
#include "api/data/data_face.h"
#include "api/http.h"
#include "api/http_listener.h"
#include "api/server_metrics.h"
#include "common/logging.h"

namespace cleanroom::api {
namespace {

// The part of the server a path names; the metrics and logs label requests with its name.
enum class Face { Amc, Admin, Datasets, Console, CleanRooms, Metrics };

Face face_of(const std::string& path) {
  auto under = [&](const char* prefix) {
    const std::string p = prefix;
    return path == p || path.rfind(p + "/", 0) == 0;
  };
  if (under("/amc")) return Face::Amc;
  if (path.rfind("/admin/", 0) == 0) return Face::Admin;
  if (under("/datasets")) return Face::Datasets;
  if (under("/console")) return Face::Console;
  if (path == "/metrics") return Face::Metrics;
  return Face::CleanRooms;
}

const char* face_name(Face f) {
  switch (f) {
    case Face::Amc:
      return "amc";
    case Face::Admin:
      return "admin";
    case Face::Datasets:
      return "datasets";
    case Face::Console:
      return "console";
    case Face::CleanRooms:
      return "cleanrooms";
    case Face::Metrics:
      return "metrics";
  }
  return "cleanrooms";
}

// An error in the shape of the face that answers: Clean Rooms' exception JSON for the SigV4
// faces, AMC's {message, requestId} for the others.
Response error_in_shape(Face f, const Error& e, const std::string& request_id) {
  if (f == Face::CleanRooms || f == Face::Datasets) return cleanrooms::error_response(e);
  return amc::error_response(e, request_id);
}

}  // namespace

Server::Server(core::Services& services, ServerOptions options)
    : services_(services),
      options_(std::move(options)),
      hosts_(options_.public_hosts, options_.host),
      amc_(std::make_unique<amc::AmcFace>(services)),
      admin_(std::make_unique<admin::AdminFace>(services)),
      cleanrooms_(std::make_unique<cleanrooms::CleanRoomsFace>(services)),
      data_(std::make_unique<data::DataFace>(services)),
      console_(std::make_unique<console::ConsoleFace>(services)),
      metrics_(std::make_unique<ServerMetrics>(services)) {
  ListenerLimits limits;
  limits.handler_threads = options_.threads;
  listener_ = std::make_unique<HttpListener>(limits, [this](Request& req) { return handle(req); });
}

Server::~Server() = default;

Response Server::handle(Request& req) {
  auto started = std::chrono::steady_clock::now();
  // Every line logged while this request is answered, on this thread, names it.
  logging::Scope context({{"requestId", req.request_id}});
  metrics_->started();
  // Kept as received: the console rewrites the path, an upload releases its body.
  const std::string method = logging::printable(req.method);
  const std::string path = logging::printable(req.path);
  const size_t body_bytes = req.body.size();
  const Face face = face_of(req.path);
  Response res;
  try {
    if (!hosts_.serves(req.header("Host")))
      // Before any face: a rebound name must not reach the console's sign-in or any API.
      res = Response::json(421, {{"message",
                                  "this server does not answer for the host this request "
                                  "names; its operator lists the names it answers for "
                                  "with `cleanroom serve --public-host`"}});
    else
      switch (face) {
        case Face::Amc:
          res = amc_->handle(req);
          break;
        case Face::Admin:
          res = admin_->handle(req);
          break;
        case Face::Datasets:
          res = data_->handle(req);
          break;
        case Face::Console:
          res = console_->handle(req);
          break;
        case Face::Metrics:
          req.operation = "GET /metrics";
          res = metrics_->handle(req);
          break;
        case Face::CleanRooms:
          res = cleanrooms_->handle(req);
          break;
      }
  } catch (const std::exception& e) {
    // No exception escapes the core by design; this is the last line of defence so that a bug
    // answers 500 in the face's shape (the detail logged) instead of taking the server down.
    res = error_in_shape(face, Error::internal(std::string("uncaught exception: ") + e.what()),
                         req.request_id);
  } catch (...) {
    res = error_in_shape(face, Error::internal("uncaught exception"), req.request_id);
  }
  res.headers.emplace_back("x-amzn-RequestId", req.request_id);
  auto us = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() -
                                                                  started);
  const double ms = us.count() / 1000.0;
  std::string operation =
      metrics_->record(face_name(face), req, res.status, ms / 1000.0, body_bytes);
  // Paths and statuses only: headers and bodies carry credentials and are never logged.
  logging::Scope line({{"method", method, false},
                       {"path", path, false},
                       {"status", res.status, false},
                       {"ms", ms, false},
                       {"face", face_name(face), false},
                       {"operation", std::move(operation), false}});
  spdlog::info("{} {} {} {:.1f}ms", method, path, res.status, ms);
  return res;
}

Status Server::bind() {
  if (Status s = listener_->bind(options_.host, options_.port); !s.ok()) return s;
  port_ = listener_->port();
  return {};
}

void Server::run() { listener_->run(); }
void Server::stop() { listener_->stop(); }

}  // namespace cleanroom::api
