#include "api/server.h"

#include <httplib.h>
#include <spdlog/spdlog.h>

#include <chrono>

#include "api/admin/admin_face.h"
#include "api/amc/amc_face.h"
#include "api/cleanrooms/cleanrooms_face.h"
#include "api/console/console_face.h"
#include "api/data/data_face.h"
#include "api/http.h"
#include "common/crypto.h"

namespace cleanroom::api {
namespace {

Request from_httplib(const httplib::Request& in) {
  Request r;
  r.method = in.method;
  r.path = in.path;
  r.target = in.target;
  auto q = in.target.find('?');
  if (q != std::string::npos) r.raw_query = in.target.substr(q + 1);
  for (const auto& [k, v] : in.params) r.query.emplace(k, v);
  for (const auto& [k, v] : in.headers) r.headers.emplace_back(k, v);
  r.body = in.body;
  r.request_id = crypto::uuid4();
  return r;
}

}  // namespace

Server::Server(core::Services& services, ServerOptions options)
    : services_(services),
      options_(std::move(options)),
      hosts_(options_.public_hosts, options_.host),
      http_(std::make_unique<httplib::Server>()),
      amc_(std::make_unique<amc::AmcFace>(services)),
      admin_(std::make_unique<admin::AdminFace>(services)),
      cleanrooms_(std::make_unique<cleanrooms::CleanRoomsFace>(services)),
      data_(std::make_unique<data::DataFace>(services)),
      console_(std::make_unique<console::ConsoleFace>(services)) {
  int threads = options_.threads;
  http_->new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  http_->set_payload_max_length(64 * 1024 * 1024);
  // Responses are written in pieces; without TCP_NODELAY, Nagle and delayed ACKs add ~40 ms.
  http_->set_tcp_nodelay(true);
  auto dispatch = [this](const httplib::Request& in, httplib::Response& out) {
    Request req = from_httplib(in);
    Response res = handle(req);
    out.status = res.status;
    for (const auto& [k, v] : res.headers) out.set_header(k, v);
    if (!res.content_type.empty()) out.set_content(res.body, res.content_type);
  };
  http_->Get(".*", dispatch);
  http_->Post(".*", dispatch);
  http_->Put(".*", dispatch);
  http_->Patch(".*", dispatch);
  http_->Delete(".*", dispatch);
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
  if (options_.port == 0) {
    port_ = http_->bind_to_any_port(options_.host);
    if (port_ <= 0) return Error::internal("cannot bind " + options_.host);
  } else {
    if (!http_->bind_to_port(options_.host, options_.port))
      return Error::internal("cannot listen on " + options_.host + ":" + std::to_string(options_.port) +
                             " (in use?)");
    port_ = options_.port;
  }
  return {};
}

void Server::run() { http_->listen_after_bind(); }
void Server::stop() { http_->stop(); }

}  // namespace cleanroom::api
