#include "api/http_listener.h"

#include <spdlog/spdlog.h>
#include <strings.h>

#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <map>
#include <mutex>
#include <optional>

#include "common/crypto.h"
#include "common/uri.h"

namespace cleanroom::api {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

using BeastRequest = http::request<http::string_body>;
using BeastResponse = http::response<http::string_body>;

// After stop(), requests already being answered get this long to finish and be written.
constexpr std::chrono::seconds kDrainDeadline{10};

Request to_request(BeastRequest&& in) {
  Request r;
  r.method = std::string(in.method_string());
  r.target = std::string(in.target());
  const size_t q = r.target.find('?');
  r.path = uri_decode(std::string_view(r.target).substr(0, q), false);
  if (q != std::string::npos) {
    r.raw_query = r.target.substr(q + 1);
    std::string_view rest = r.raw_query;
    while (!rest.empty()) {
      const size_t amp = rest.find('&');
      std::string_view pair = rest.substr(0, amp);
      rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
      if (pair.empty()) continue;
      const size_t eq = pair.find('=');
      r.query.emplace(uri_decode(pair.substr(0, eq), true),
                      eq == std::string_view::npos ? "" : uri_decode(pair.substr(eq + 1), true));
    }
  }
  for (const auto& field : in) r.headers.emplace_back(field.name_string(), field.value());
  r.body = std::move(in.body());
  r.request_id = crypto::uuid4();
  return r;
}

// A refusal by the transport itself, before any face has seen the request: the shape every face
// shares ({message, requestId}), always closing the connection.
std::shared_ptr<BeastResponse> transport_error(unsigned status, const std::string& message) {
  auto res = std::make_shared<BeastResponse>();
  res->result(status);
  const std::string id = crypto::uuid4();
  res->set(http::field::content_type, "application/json");
  res->set("x-amzn-RequestId", id);
  res->body() = nlohmann::json{{"message", message}, {"requestId", id}}.dump();
  res->keep_alive(false);
  res->prepare_payload();
  return res;
}

bool header_is(const BeastRequest& req, http::field field, const char* value) {
  auto it = req.find(field);
  return it != req.end() && strncasecmp(it->value().data(), value, it->value().size()) == 0 &&
         it->value().size() == std::strlen(value);
}

}  // namespace

struct HttpListener::State {
  State(ListenerLimits l, Handler h)
      : limits(l), handler(std::move(h)), pool(static_cast<size_t>(l.handler_threads)) {}

  ListenerLimits limits;
  Handler handler;
  // Declared before the io_context: sessions it still holds release their counts as it dies.
  std::mutex mu;
  std::map<std::string, int> per_client;
  int open = 0;
  std::atomic<int> busy{0};  // requests being handled or answered
  std::atomic<bool> stopping{false};
  asio::io_context ioc{1};
  tcp::acceptor acceptor{ioc};
  asio::thread_pool pool;  // destroyed (joined) first

  void accept();
  void admit(tcp::socket socket);
  void drain(Clock::time_point deadline);
};

namespace {

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, HttpListener::State& state, std::string client, bool counted)
      : stream_(std::move(socket)), state_(state), client_(std::move(client)), counted_(counted) {}

  ~Session() {
    if (!counted_) return;
    std::lock_guard lock(state_.mu);
    state_.open--;
    if (--state_.per_client[client_] == 0) state_.per_client.erase(client_);
  }

  void start() { read_head(); }

  void refuse() {
    send(transport_error(503, "the server has too many open connections; retry shortly"));
  }

 private:
  void read_head() {
    parser_.emplace();
    parser_->header_limit(static_cast<uint32_t>(state_.limits.max_head_bytes));
    parser_->body_limit(state_.limits.max_body_bytes);
    stream_.expires_after(state_.limits.head_deadline);
    http::async_read_header(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, size_t) { self->on_head(ec); });
  }

  void on_head(beast::error_code ec) {
    if (ec) return fail(ec);
    if (parser_->is_done()) return handle();
    if (header_is(parser_->get(), http::field::expect, "100-continue")) {
      // curl and the SDKs wait for this (or a second) before sending a large body.
      auto cont = std::make_shared<http::response<http::empty_body>>(http::status::continue_,
                                                                     parser_->get().version());
      stream_.expires_after(state_.limits.body_deadline);
      http::async_write(stream_, *cont,
                        [self = shared_from_this(), cont](beast::error_code ec, size_t) {
                          if (ec) return self->close();
                          self->read_body();
                        });
      return;
    }
    read_body();
  }

  void read_body() {
    const auto length = parser_->content_length();
    const uint64_t bytes = length ? *length : state_.limits.max_body_bytes;
    stream_.expires_after(
        state_.limits.body_deadline +
        std::chrono::seconds(bytes / std::max<size_t>(state_.limits.body_min_rate, 1)));
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](beast::error_code ec, size_t) {
                       if (ec) return self->fail(ec);
                       self->handle();
                     });
  }

  void handle() {
    stream_.expires_never();  // the handler's time is not the client's
    keep_alive_ = parser_->get().keep_alive();
    version_ = parser_->get().version();
    head_only_ = parser_->get().method() == http::verb::head;
    auto request = std::make_shared<Request>(to_request(parser_->release()));
    parser_.reset();
    state_.busy++;
    asio::post(state_.pool, [self = shared_from_this(), request] {
      Response res;
      try {
        res = self->state_.handler(*request);
      } catch (...) {
        // Server::handle answers every exception itself; this only keeps a bug in it from
        // taking the process down.
        res = Response::json(500,
                             {{"message", "internal error"}, {"requestId", request->request_id}});
      }
      asio::post(self->stream_.get_executor(),
                 [self, res = std::move(res)]() mutable { self->respond(std::move(res)); });
    });
  }

  void respond(Response&& r) {
    auto res = std::make_shared<BeastResponse>();
    res->version(version_);
    res->result(static_cast<unsigned>(r.status));
    for (const auto& [name, value] : r.headers) res->insert(name, value);
    const bool bodiless = r.status / 100 == 1 || r.status == 204 || r.status == 304;
    if (!r.content_type.empty() && !bodiless) res->set(http::field::content_type, r.content_type);
    if (!bodiless) res->body() = std::move(r.body);
    res->keep_alive(keep_alive_ && !state_.stopping);
    res->prepare_payload();
    if (head_only_) res->body().clear();  // Content-Length still says what GET would send
    send(res, true);
  }

  // Writes a response; a keep-alive connection then waits for its next request.
  void send(std::shared_ptr<BeastResponse> res, bool answered = false) {
    stream_.expires_after(state_.limits.body_deadline +
                          std::chrono::seconds(res->body().size() /
                                               std::max<size_t>(state_.limits.body_min_rate, 1)));
    http::async_write(stream_, *res,
                      [self = shared_from_this(), res, answered](beast::error_code ec, size_t) {
                        if (answered) self->state_.busy--;
                        if (ec || !res->keep_alive()) return self->close();
                        self->read_head();
                      });
  }

  void fail(beast::error_code ec) {
    // A deadline that passed has closed the socket already (tcp_stream cancels that way), so a
    // late or idle client is cut off without a word.
    if (ec == beast::error::timeout) return;
    if (ec == http::error::header_limit)
      return send(transport_error(431, "the request head is larger than " +
                                           std::to_string(state_.limits.max_head_bytes) +
                                           " bytes"));
    if (ec == http::error::body_limit)
      return send(transport_error(413, "the request body is larger than " +
                                           std::to_string(state_.limits.max_body_bytes) +
                                           " bytes"));
    if (ec.category() == http::make_error_code(http::error::end_of_stream).category() &&
        ec != http::error::end_of_stream && ec != http::error::partial_message)
      return send(transport_error(400, "malformed HTTP request: " + ec.message()));
    close();  // the client went away
  }

  void close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
  }

  beast::tcp_stream stream_;
  HttpListener::State& state_;
  std::string client_;
  bool counted_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  unsigned version_ = 11;
  bool keep_alive_ = false;
  bool head_only_ = false;
};

}  // namespace

void HttpListener::State::accept() {
  acceptor.async_accept(asio::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
    if (!acceptor.is_open()) return;
    if (ec) {
      // Out of file descriptors, say: wait a moment rather than spin on the failing accept.
      spdlog::warn("accept failed: {}", ec.message());
      auto timer = std::make_shared<asio::steady_timer>(ioc, std::chrono::milliseconds(100));
      timer->async_wait([this, timer](beast::error_code) { accept(); });
      return;
    }
    admit(std::move(socket));
    accept();
  });
}

void HttpListener::State::admit(tcp::socket socket) {
  beast::error_code ec;
  const std::string client = socket.remote_endpoint(ec).address().to_string();
  if (ec) return;                              // already gone
  socket.set_option(tcp::no_delay(true), ec);  // responses go out in pieces; no Nagle delay
  bool admitted = false;
  {
    std::lock_guard lock(mu);
    if (open < limits.max_connections && per_client[client] < limits.max_connections_per_client) {
      open++;
      per_client[client]++;
      admitted = true;
    } else if (per_client[client] == 0) {
      per_client.erase(client);
    }
  }
  auto session = std::make_shared<Session>(std::move(socket), *this, client, admitted);
  if (admitted)
    session->start();
  else
    session->refuse();
}

void HttpListener::State::drain(Clock::time_point deadline) {
  if (busy == 0 || Clock::now() >= deadline) return ioc.stop();
  auto timer = std::make_shared<asio::steady_timer>(ioc, std::chrono::milliseconds(20));
  timer->async_wait([this, timer, deadline](beast::error_code) { drain(deadline); });
}

HttpListener::HttpListener(ListenerLimits limits, Handler handler)
    : state_(std::make_unique<State>(limits, std::move(handler))) {}

HttpListener::~HttpListener() = default;

Status HttpListener::bind(const std::string& host, int port) {
  beast::error_code ec;
  tcp::resolver resolver(state_->ioc);
  auto endpoints = resolver.resolve(host, std::to_string(port), tcp::resolver::numeric_service, ec);
  if (ec || endpoints.empty())
    return Error::internal("cannot resolve " + host + ": " + ec.message());
  const tcp::endpoint endpoint = *endpoints.begin();
  auto& acceptor = state_->acceptor;
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  // The system's largest backlog: a burst of clients waits in the kernel instead of being dropped.
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec)
    return Error::internal("cannot listen on " + host + ":" + std::to_string(port) + " (" +
                           ec.message() + ")");
  return {};
}

int HttpListener::port() const {
  beast::error_code ec;
  auto endpoint = state_->acceptor.local_endpoint(ec);
  return ec ? 0 : endpoint.port();
}

void HttpListener::run() {
  state_->accept();
  state_->ioc.run();
  state_->pool.stop();  // requests not yet started are dropped; running ones finish
  state_->pool.join();
}

void HttpListener::stop() {
  asio::post(state_->ioc, [s = state_.get()] {
    if (s->stopping.exchange(true)) return;
    beast::error_code ignored;
    s->acceptor.close(ignored);
    s->drain(Clock::now() + kDrainDeadline);
  });
}

}  // namespace cleanroom::api
