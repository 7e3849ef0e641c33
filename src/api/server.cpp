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

namespace cleanroom::api {

Server::Server(core::Services& services, ServerOptions options)
    : services_(services),
      options_(std::move(options)),
      hosts_(options_.public_hosts, options_.host),
      amc_(std::make_unique<amc::AmcFace>(services)),
      admin_(std::make_unique<admin::AdminFace>(services)),
      cleanrooms_(std::make_unique<cleanrooms::CleanRoomsFace>(services)),
      data_(std::make_unique<data::DataFace>(services)),
      console_(std::make_unique<console::ConsoleFace>(services)) {
  ListenerLimits limits;
  limits.handler_threads = options_.threads;
  listener_ = std::make_unique<HttpListener>(limits, [this](Request& req) { return handle(req); });
}

Server::~Server() = default;

Response Server::handle(Request& req) {
  auto started = std::chrono::steady_clock::now();
  Response res;
  try {
    if (!hosts_.serves(req.header("Host")))
      // Before any face: a rebound name must not reach the console's sign-in or any API.
      res = Response::json(421, {{"message", "this server does not answer for the host this request "
                                             "names; its operator lists the names it answers for "
                                             "with `cleanroom serve --public-host`"}});
    else if (req.path == "/amc" || req.path.rfind("/amc/", 0) == 0) res = amc_->handle(req);
    else if (req.path.rfind("/admin/", 0) == 0) res = admin_->handle(req);
    else if (req.path == "/datasets" || req.path.rfind("/datasets/", 0) == 0) res = data_->handle(req);
    else if (req.path == "/console" || req.path.rfind("/console/", 0) == 0) res = console_->handle(req);
    else res = cleanrooms_->handle(req);
  } catch (const std::exception& e) {
    // No exception escapes the core by design; this is the last line of defence so that a bug
    // answers 500 instead of taking the server down.
    spdlog::error("request {} {} {} failed: {}", req.request_id, req.method, req.path, e.what());
    res = Response::json(500, {{"message", "internal error"}, {"requestId", req.request_id}});
  }
  res.headers.emplace_back("x-amzn-RequestId", req.request_id);
  auto ms = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started);
  // Paths and statuses only: headers and bodies carry credentials and are never logged.
  spdlog::info("{} {} {} {:.1f}ms", req.method, req.path, res.status, ms.count() / 1000.0);
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
