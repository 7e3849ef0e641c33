#pragma once
// A Clean Rooms API client for the benchmarks: calls SigV4-signed by libcurl, as any S3-style
// client would sign them, over loopback; and a protected query started, polled until it ends.
#include <curl/curl.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

namespace cleanroom::bench {

class CleanRoomsClient {
 public:
  CleanRoomsClient(int port, std::string access_key_id, std::string secret_access_key)
      : port_(port), userpwd_(std::move(access_key_id) + ":" + std::move(secret_access_key)) {}

  nlohmann::json call(const std::string& method, const std::string& path,
                      const std::string& body = "") const {
    CURL* c = curl_easy_init();
    std::string url = "http://127.0.0.1:" + std::to_string(port_) + path, out;
    curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/json");
    curl_easy_setopt(c, CURLOPT_URL, url.c_str());
    curl_easy_setopt(c, CURLOPT_AWS_SIGV4, "aws:amz:us-east-1:cleanrooms");
    curl_easy_setopt(c, CURLOPT_USERPWD, userpwd_.c_str());
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method.c_str());
    if (!body.empty()) curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.c_str());
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, append);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &out);
    curl_easy_setopt(c, CURLOPT_TCP_NODELAY, 1L);
    curl_easy_perform(c);
    curl_slist_free_all(headers);
    curl_easy_cleanup(c);
    return nlohmann::json::parse(out, nullptr, false);
  }

  // Starts `sql` in `membership` and polls until it ends. The query as it ended (status SUCCESS
  // with its result), or the answer that is not a query, in *failure.
  bool protected_query(const std::string& membership, const std::string& sql,
                       nlohmann::json* ended, std::string* failure) const {
    using Clock = std::chrono::steady_clock;
    nlohmann::json start = {{"type", "SQL"}, {"sqlParameters", {{"queryString", sql}}}};
    nlohmann::json r = call("POST", "/memberships/" + membership + "/protectedQueries", start.dump());
    if (!r.contains("protectedQuery")) {
      *failure = r.dump();
      return false;
    }
    std::string id = r["protectedQuery"]["id"];
    const auto started = Clock::now();
    for (;;) {
      nlohmann::json q =
          call("GET", "/memberships/" + membership + "/protectedQueries/" + id)["protectedQuery"];
      std::string status = q.value("status", "");
      if (status == "SUCCESS") {
        *ended = q;
        return true;
      }
      if (status != "SUBMITTED" && status != "STARTED") {
        *failure = q.dump();
        return false;
      }
      // Every 5 ms at first, to time small queries to a few ms; then every 2% of the time so far,
      // so that on a 2-core machine a signed request every 5 ms (SigV4, a catalog read) does not
      // take a tenth of a core from a query of seconds. The timing error stays within 2%.
      auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started);
      std::this_thread::sleep_for(std::max(std::chrono::milliseconds(5), elapsed / 50));
    }
  }

 private:
  static size_t append(char* data, size_t size, size_t n, void* out) {
    static_cast<std::string*>(out)->append(data, size * n);
    return size * n;
  }
  int port_;
  std::string userpwd_;
};

}  // namespace cleanroom::bench
