#pragma once
// The HTTP server: one listener for every face. /amc -> AMC face, /admin -> operator API,
// /datasets -> dataset upload, /console -> the web console, everything else -> the Clean Rooms
// face (its paths come from the service model).
#include <memory>
#include <string>
#include <vector>

#include "api/http.h"
#include "api/served_hosts.h"
#include "common/error.h"
#include "core/core.h"

namespace cleanroom::api {

class HttpListener;

namespace amc {
class AmcFace;
}
namespace admin {
class AdminFace;
}
namespace cleanrooms {
class CleanRoomsFace;
}
namespace data {
class DataFace;
}
namespace console {
class ConsoleFace;
}
class ServerMetrics;

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 8080;  // 0 picks a free port
  int threads = 8;  // request worker threads
  // Host names answered besides the loopback ones and `host` (served_hosts.h).
  std::vector<std::string> public_hosts;
};

class Server {
 public:
  Server(core::Services& services, ServerOptions options);
  ~Server();
  Status bind();  // binds the listener; port() is known afterwards
  void run();     // serves until stop()
  void stop();
  // Answers one request: the host check, the face its path names, and the last-resort 500; logs
  // it and counts it in the metrics. Independent of the transport, which only parses and writes
  // HTTP.
  Response handle(Request& req);
  int port() const { return port_; }
  const ServedHosts& hosts() const { return hosts_; }

 private:
  core::Services& services_;
  ServerOptions options_;
  ServedHosts hosts_;
  int port_ = 0;
  std::unique_ptr<HttpListener> listener_;
  std::unique_ptr<amc::AmcFace> amc_;
  std::unique_ptr<admin::AdminFace> admin_;
  std::unique_ptr<cleanrooms::CleanRoomsFace> cleanrooms_;
  std::unique_ptr<data::DataFace> data_;
  std::unique_ptr<console::ConsoleFace> console_;
  std::unique_ptr<ServerMetrics> metrics_;
};

}  // namespace cleanroom::api
