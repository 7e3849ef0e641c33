#pragma once
// The HTTP transport, on Boost.Beast and Asio. One I/O thread multiplexes every connection, so
// an idle or slow client holds a socket and a buffer, never a thread; a request runs on one of
// a fixed pool of handler threads only once its head and body have arrived in full. Deadlines
// are for the whole head and the whole body, not per read, so a client trickling a byte at a
// time is cut off as surely as a silent one.
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "api/http.h"
#include "common/error.h"

namespace cleanroom::api {

struct ListenerLimits {
  int handler_threads = 8;
  // From the moment a connection is ready for a request (accepted, or its previous response
  // sent) until the request head has arrived; also how long an idle keep-alive connection lives.
  std::chrono::milliseconds head_deadline{10'000};
  // A body must arrive within body_deadline plus a second per body_min_rate bytes it declares:
  // honest uploads on a slow link pass, a trickle does not.
  std::chrono::milliseconds body_deadline{10'000};
  size_t body_min_rate = 256 * 1024;
  size_t max_head_bytes = 64 * 1024;
  size_t max_body_bytes = 64 * 1024 * 1024;
  // Open connections, in all and from one client address. Over either, a new connection gets a
  // 503 and is closed, so one client cannot take every socket the process may open.
  int max_connections = 4096;
  int max_connections_per_client = 256;
};

class HttpListener {
 public:
  using Handler = std::function<Response(Request&)>;
  HttpListener(ListenerLimits limits, Handler handler);
  ~HttpListener();
  HttpListener(const HttpListener&) = delete;
  HttpListener& operator=(const HttpListener&) = delete;

  // Binds host:port (port 0 picks a free one) with the system's largest listen backlog.
  Status bind(const std::string& host, int port);
  int port() const;
  void run();   // serves until stop(); in-flight requests finish before it returns
  void stop();  // from any thread

  struct State;  // the event loop, the handler pool and the connection counts (http_listener.cpp)

 private:
  std::unique_ptr<State> state_;
};

}  // namespace cleanroom::api
