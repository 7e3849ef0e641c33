// An S3-compatible endpoint through libcurl, which signs each request itself (CURLOPT_AWS_SIGV4).
// Path-style addressing (<endpoint>/<bucket>/<key>), so any host name works, moto_server and
// MinIO included.
//
// libcurl 7.88 (Debian 12) signs the path and query exactly as given and cannot hash a body it
// streams from a file, so: keys are sent in S3's canonical encoding, query parameters sorted and
// encoded, and every request carries `x-amz-content-sha256: UNSIGNED-PAYLOAD`, which libcurl then
// uses as the payload hash it signs.
#include <curl/curl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <optional>
#include <string_view>
#include <utility>

#include "common/crypto.h"
#include "common/uri.h"
#include "delivery/object_store.h"

namespace cleanroom::delivery {
namespace {

constexpr long kConnectTimeoutMs = 5000;
// A transfer that moves nothing for this long is abandoned; a slow one that moves is not.
constexpr long kStallSeconds = 60;
// Error and listing bodies are small; anything larger is cut here.
constexpr size_t kMaxBody = 16 << 20;

std::string xml_unescape(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); i++) {
    size_t semi = s[i] == '&' ? s.find(';', i) : std::string_view::npos;
    if (semi == std::string_view::npos) {
      out.push_back(s[i]);
      continue;
    }
    std::string_view entity = s.substr(i + 1, semi - i - 1);
    static constexpr std::pair<std::string_view, char> kNamed[] = {
        {"amp", '&'}, {"lt", '<'}, {"gt", '>'}, {"quot", '"'}, {"apos", '\''}};
    auto named = std::find_if(std::begin(kNamed), std::end(kNamed),
                              [&](const auto& n) { return n.first == entity; });
    if (named != std::end(kNamed)) {
      out.push_back(named->second);
    } else if (entity.size() > 1 && entity[0] == '#') {
      bool hex = entity[1] == 'x' || entity[1] == 'X';
      unsigned long cp =
          std::strtoul(std::string(entity.substr(hex ? 2 : 1)).c_str(), nullptr, hex ? 16 : 10);
      // As UTF-8.
      if (cp < 0x80) {
        out.push_back(static_cast<char>(cp));
      } else if (cp < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
      } else if (cp < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
      } else {
        out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
      }
    } else {
      out.append(s.substr(i, semi - i + 1));
    }
    i = semi;
  }
  return out;
}

// The raw contents of each <tag>...</tag> in `doc`, in order. S3's answers are flat enough for
// this: the elements read here never nest in themselves and carry no attributes.
std::vector<std::string_view> xml_elements(std::string_view doc, std::string_view tag) {
  const std::string open = "<" + std::string(tag) + ">";
  const std::string close = "</" + std::string(tag) + ">";
  std::vector<std::string_view> out;
  for (size_t at = doc.find(open); at != std::string_view::npos; at = doc.find(open, at)) {
    size_t begin = at + open.size();
    size_t end = doc.find(close, begin);
    if (end == std::string_view::npos) break;
    out.push_back(doc.substr(begin, end - begin));
    at = end + close.size();
  }
  return out;
}

std::optional<std::string> xml_text(std::string_view doc, std::string_view tag) {
  auto found = xml_elements(doc, tag);
  if (found.empty()) return std::nullopt;
  return xml_unescape(found.front());
}

struct Response {
  long status = 0;
  std::string body;  // the error or listing document; empty when the body went to a file
};

// Where a request's body comes from and where its answer goes.
struct Transfer {
  FILE* upload = nullptr;  // with upload_size: the PUT body
  curl_off_t upload_size = 0;
  std::string content_type;
  bool put = false;          // a PUT without a file: an empty body
  bool remove = false;       // a DELETE
  FILE* download = nullptr;  // a 2xx answer's body goes here; any other answer's to Response::body
};

struct Sink {
  CURL* handle;
  FILE* file;
  std::string body;
  bool file_failed = false;
};

size_t on_body(char* data, size_t size, size_t count, void* user) {
  auto* sink = static_cast<Sink*>(user);
  size_t length = size * count;
  long status = 0;
  curl_easy_getinfo(sink->handle, CURLINFO_RESPONSE_CODE, &status);
  if (sink->file && status >= 200 && status < 300) {
    if (std::fwrite(data, 1, length, sink->file) != length) {
      sink->file_failed = true;
      return 0;  // aborts the transfer
    }
    return length;
  }
  if (sink->body.size() < kMaxBody)
    sink->body.append(data, std::min(length, kMaxBody - sink->body.size()));
  return length;
}

size_t no_body(char*, size_t, size_t, void*) { return 0; }

class S3ObjectStore : public ObjectStore {
 public:
  explicit S3ObjectStore(S3Config config) : config_(std::move(config)) {
    while (!config_.endpoint.empty() && config_.endpoint.back() == '/') config_.endpoint.pop_back();
    sigv4_ = "aws:amz:" + config_.region + ":s3";
    userpwd_ = config_.access_key_id + ":" + config_.secret_access_key;
  }

  Status put_file(const std::string& bucket, const std::string& key, const std::string& local_path,
                  const std::string& content_type) override {
    CR_TRY(check_bucket_name(bucket));
    CR_TRY(check_key(key));
    std::unique_ptr<FILE, int (*)(FILE*)> file(std::fopen(local_path.c_str(), "rb"), std::fclose);
    struct stat st {};
    if (!file || ::fstat(::fileno(file.get()), &st) != 0)
      return Error::internal("cannot read " + local_path + " to store it at " +
                             location(bucket, key));
    Transfer t;
    t.upload = file.get();
    t.upload_size = static_cast<curl_off_t>(st.st_size);
    t.content_type = content_type.empty() ? "application/octet-stream" : content_type;
    CR_ASSIGN(Response r, perform(object_url(bucket, key), t));
    if (r.status / 100 != 2) return s3_error(r, bucket, key);
    return {};
  }

  Status get_file(const std::string& bucket, const std::string& key,
                  const std::string& local_path) override {
    CR_TRY(check_bucket_name(bucket));
    CR_TRY(check_key(key));
    // Beside the target and named after it, so whoever cleans up the target's folder finds it.
    const std::string temp = local_path + ".part-" + crypto::random_string(12);
    std::unique_ptr<FILE, int (*)(FILE*)> file(std::fopen(temp.c_str(), "wb"), std::fclose);
    if (!file) return Error::internal("cannot create " + temp);
    auto remove_temp = [&] {
      file.reset();
      ::unlink(temp.c_str());
    };
    Transfer t;
    t.download = file.get();
    auto r = perform(object_url(bucket, key), t);
    if (!r.ok()) {
      remove_temp();
      return r.error();
    }
    if (r->status / 100 != 2) {
      remove_temp();
      return s3_error(*r, bucket, key);
    }
    bool written = std::fflush(file.get()) == 0 && ::fsync(::fileno(file.get())) == 0;
    written = std::fclose(file.release()) == 0 && written;
    if (!written || std::rename(temp.c_str(), local_path.c_str()) != 0) {
      ::unlink(temp.c_str());
      return Error::internal("cannot write " + local_path);
    }
    return {};
  }

  Result<std::vector<ObjectInfo>> list(const std::string& bucket,
                                       const std::string& prefix) override {
    CR_TRY(check_bucket_name(bucket));
    std::vector<ObjectInfo> out;
    std::string token;
    for (;;) {
      // Parameters in canonical order (sorted by name), values in canonical encoding.
      std::string query;
      if (!token.empty()) query += "continuation-token=" + uri_encode(token, false) + "&";
      query += "list-type=2&max-keys=" + std::to_string(config_.list_page_size);
      if (!prefix.empty()) query += "&prefix=" + uri_encode(prefix, false);
      CR_ASSIGN(Response r, perform(config_.endpoint + "/" + bucket + "?" + query, Transfer{}));
      if (r.status / 100 != 2) return s3_error(r, bucket, "");
      for (std::string_view contents : xml_elements(r.body, "Contents")) {
        auto key = xml_text(contents, "Key");
        if (!key) continue;
        int64_t size = std::atoll(xml_text(contents, "Size").value_or("0").c_str());
        out.push_back({std::move(*key), size});
      }
      bool truncated = xml_text(r.body, "IsTruncated").value_or("false") == "true";
      std::string next = xml_text(r.body, "NextContinuationToken").value_or("");
      if (!truncated || next.empty() || next == token) break;
      token = std::move(next);
    }
    std::sort(out.begin(), out.end(),
              [](const ObjectInfo& a, const ObjectInfo& b) { return a.key < b.key; });
    return out;
  }

  Status remove(const std::string& bucket, const std::string& key) override {
    CR_TRY(check_bucket_name(bucket));
    CR_TRY(check_key(key));
    Transfer t;
    t.remove = true;
    CR_ASSIGN(Response r, perform(object_url(bucket, key), t));
    if (r.status / 100 != 2) return s3_error(r, bucket, key);
    return {};
  }

  Status create_bucket(const std::string& bucket) override {
    CR_TRY(check_bucket_name(bucket));
    Transfer t;
    t.put = true;
    CR_ASSIGN(Response r, perform(config_.endpoint + "/" + bucket, t));
    if (r.status / 100 == 2 || xml_text(r.body, "Code").value_or("") == "BucketAlreadyOwnedByYou")
      return {};
    return s3_error(r, bucket, "");
  }

 private:
  std::string object_url(const std::string& bucket, const std::string& key) const {
    return config_.endpoint + "/" + bucket + "/" + uri_encode(key, true);
  }

  // One request: a GET unless the transfer uploads. Transport failures are errors; any HTTP answer
  // is a Response for the caller to judge.
  Result<Response> perform(const std::string& url, const Transfer& t) const {
    std::unique_ptr<CURL, void (*)(CURL*)> handle(curl_easy_init(), curl_easy_cleanup);
    if (!handle) return Error::internal("cannot start a libcurl handle");
    CURL* h = handle.get();
    std::unique_ptr<curl_slist, void (*)(curl_slist*)> headers(
        curl_slist_append(nullptr, "x-amz-content-sha256: UNSIGNED-PAYLOAD"), curl_slist_free_all);
    // Appending to a list returns its (unchanged) head, or null when it failed.
    if (!headers ||
        (!t.content_type.empty() &&
         !curl_slist_append(headers.get(), ("Content-Type: " + t.content_type).c_str())))
      return Error::internal("cannot build the request headers");

    Sink sink{h, t.download, {}};
    char error_text[CURL_ERROR_SIZE] = {};
    curl_easy_setopt(h, CURLOPT_URL, url.c_str());
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error_text);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, kConnectTimeoutMs);
    curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, kStallSeconds);
    curl_easy_setopt(h, CURLOPT_AWS_SIGV4, sigv4_.c_str());
    curl_easy_setopt(h, CURLOPT_USERPWD, userpwd_.c_str());
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &sink);
    if (t.upload) {
      curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
      curl_easy_setopt(h, CURLOPT_READDATA, t.upload);
      curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, t.upload_size);
    } else if (t.remove) {
      curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, "DELETE");
    } else if (t.put) {
      curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
      curl_easy_setopt(h, CURLOPT_READFUNCTION, no_body);
      curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(0));
    }

    CURLcode code = curl_easy_perform(h);
    Response r;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &r.status);
    r.body = std::move(sink.body);
    if (sink.file_failed) return Error::internal("cannot write the object fetched from " + url);
    // An endpoint may answer an upload with an error and close the connection before reading it
    // all; its answer says more than the broken send.
    if (code != CURLE_OK && !(r.status >= 300 && !r.body.empty()))
      return Error::internal("cannot reach the object store at " + config_.endpoint + ": " +
                             (error_text[0] ? error_text : curl_easy_strerror(code)));
    return r;
  }

  // S3's error document (<Error><Code>..</Code><Message>..</Message></Error>) as our error kinds.
  Error s3_error(const Response& r, const std::string& bucket, const std::string& key) const {
    std::string code = xml_text(r.body, "Code").value_or("");
    std::string message = xml_text(r.body, "Message").value_or("");
    if (code == "NoSuchBucket" || (r.status == 404 && code.empty() && key.empty()))
      return Error::not_found(Resource::Bucket, bucket);
    if (code == "NoSuchKey" || (r.status == 404 && code.empty()))
      return Error::not_found(Resource::Object, bucket + "/" + key);
    std::string what = "the object store answered " + std::to_string(r.status) +
                       (code.empty() ? "" : " " + code) +
                       (message.empty() ? "" : " (" + message + ")") + " for " +
                       (key.empty() ? "bucket " + bucket : location(bucket, key));
    if (r.status >= 400 && r.status < 500) return Error::validation(what, "bucket");
    return Error::internal(what);
  }

  S3Config config_;
  std::string sigv4_;
  std::string userpwd_;
};

}  // namespace

std::unique_ptr<ObjectStore> s3_object_store(const S3Config& config) {
  // Not thread-safe itself, so done once, before any store exists to be used from threads.
  static std::once_flag init;
  std::call_once(init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  return std::make_unique<S3ObjectStore>(config);
}

}  // namespace cleanroom::delivery
