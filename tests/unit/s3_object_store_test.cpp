// The S3 store against a real moto_server on 127.0.0.1 (skipped when the machine has none), with
// moto checking every request's SigV4 signature: buckets, uploads, downloads, listings across
// pages, and S3's errors as ours.
#include <curl/curl.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "common/crypto.h"
#include "delivery/object_store.h"

extern char** environ;

namespace cleanroom::delivery {
namespace {
namespace fs = std::filesystem;

int free_port() {
  int s = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  int port = 0;
  if (::bind(s, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      ::getsockname(s, reinterpret_cast<sockaddr*>(&addr), &len) == 0)
    port = ntohs(addr.sin_port);
  ::close(s);
  return port;
}

bool accepts_connections(int port) {
  int s = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  bool ok = ::connect(s, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(s);
  return ok;
}

size_t append_to(char* data, size_t size, size_t count, void* out) {
  static_cast<std::string*>(out)->append(data, size * count);
  return size * count;
}

// A POST to moto outside the store: IAM calls (signed for "iam", with any key while moto does
// not check yet) and moto's own control API.
std::string moto_post(int port, const std::string& path, const std::string& body,
                      const std::string& content_type, bool sign_for_iam) {
  std::string out;
  CURL* h = curl_easy_init();
  std::string url = "http://127.0.0.1:" + std::to_string(port) + path;
  curl_slist* headers = curl_slist_append(nullptr, ("Content-Type: " + content_type).c_str());
  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  curl_easy_setopt(h, CURLOPT_NOPROXY, "*");
  curl_easy_setopt(h, CURLOPT_POSTFIELDS, body.c_str());
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, append_to);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &out);
  if (sign_for_iam) {
    curl_easy_setopt(h, CURLOPT_AWS_SIGV4, "aws:amz:us-east-1:iam");
    curl_easy_setopt(h, CURLOPT_USERPWD, "AKIDSETUP:setup-secret");
  }
  curl_easy_perform(h);
  curl_slist_free_all(headers);
  curl_easy_cleanup(h);
  return out;
}

std::string url_encoded(const std::string& text) {
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      char hex[4];
      std::snprintf(hex, sizeof hex, "%%%02X", c);
      out += hex;
    }
  }
  return out;
}

std::string xml_value(const std::string& doc, const std::string& tag) {
  auto begin = doc.find("<" + tag + ">");
  auto end = doc.find("</" + tag + ">");
  if (begin == std::string::npos || end == std::string::npos) return "";
  begin += tag.size() + 2;
  return doc.substr(begin, end - begin);
}

bool on_path(const std::string& program) {
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path ? path : "");
  for (std::string dir; std::getline(dirs, dir, ':');)
    if (!dir.empty() && ::access((dir + "/" + program).c_str(), X_OK) == 0) return true;
  return false;
}

class S3ObjectStoreTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!on_path("moto_server")) return;
    port_ = free_port();
    std::string port = std::to_string(port_);
    const char* argv[] = {"moto_server", "-H", "127.0.0.1", "-p", port.c_str(), nullptr};
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
    int rc =
        posix_spawnp(&pid_, "moto_server", &actions, nullptr, const_cast<char**>(argv), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) {
      pid_ = 0;
      return;
    }
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (!accepts_connections(port_) && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    // Whatever the environment says, requests to 127.0.0.1 go straight there.
    ::setenv("no_proxy", "127.0.0.1", 1);
    ::setenv("NO_PROXY", "127.0.0.1", 1);

    // An IAM user allowed everything on S3; then moto checks signatures against its key.
    const std::string form = "application/x-www-form-urlencoded";
    const std::string iam = "Version=2010-05-08&UserName=cleanroom&Action=";
    moto_post(port_, "/", iam + "CreateUser", form, true);
    std::string policy =
        R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]})";
    moto_post(port_, "/", iam + "PutUserPolicy&PolicyName=s3&PolicyDocument=" + url_encoded(policy),
              form, true);
    std::string key = moto_post(port_, "/", iam + "CreateAccessKey", form, true);
    key_id_ = xml_value(key, "AccessKeyId");
    secret_ = xml_value(key, "SecretAccessKey");
  }
  static void TearDownTestSuite() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);
    ::waitpid(pid_, nullptr, 0);
    pid_ = 0;
  }

  void SetUp() override {
    if (pid_ <= 0 || !accepts_connections(port_)) GTEST_SKIP() << "moto_server is not available";
    ASSERT_FALSE(key_id_.empty()) << "moto gave no access key";
    require_signatures(true);
    dir_ = fs::temp_directory_path() / ("cleanroom-s3-" + crypto::uuid4());
    fs::create_directories(dir_);
    store_ = s3_object_store(config(key_id_, secret_));
    bucket_ = "b-" + crypto::random_string(12);
    ASSERT_TRUE(store_->create_bucket(bucket_).ok());
  }
  void TearDown() override {
    if (!dir_.empty()) fs::remove_all(dir_);
  }

  // moto re-quotes some characters of the path and query ('/' in a query value, '+', '&', '=',
  // non-ASCII) before recomputing a signature, so it rejects correctly signed requests that hold
  // them (boto3's too); such requests are checked with signature checking off.
  static void require_signatures(bool required) {
    moto_post(port_, "/moto-api/reset-auth", required ? "0" : "inf", "text/plain", false);
  }

  static S3Config config(const std::string& key_id, const std::string& secret) {
    S3Config c;
    c.endpoint = "http://127.0.0.1:" + std::to_string(port_);
    c.access_key_id = key_id;
    c.secret_access_key = secret;
    return c;
  }
  std::string file(const std::string& name, const std::string& text) {
    std::string path = (dir_ / name).string();
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }
  static std::string read(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }

  static inline pid_t pid_ = 0;
  static inline int port_ = 0;
  static inline std::string key_id_, secret_;
  fs::path dir_;
  std::unique_ptr<ObjectStore> store_;
  std::string bucket_;
};

TEST_F(S3ObjectStoreTest, PutGetAndList) {
  std::string body(3 << 20, 'x');  // more than one buffer's worth, and past curl's Expect threshold
  body += "end";
  ASSERT_TRUE(store_->put_file(bucket_, "q1/part 0.csv", file("a.csv", body), "text/csv").ok());
  ASSERT_TRUE(store_->put_file(bucket_, "q1/sub/p~1.csv", file("b.csv", "b\n"), "").ok());
  ASSERT_TRUE(store_->put_file(bucket_, "q2.csv", file("c.csv", ""), "text/csv").ok());

  std::string out = (dir_ / "out.csv").string();
  ASSERT_TRUE(store_->get_file(bucket_, "q1/part 0.csv", out).ok());
  EXPECT_EQ(read(out), body);
  ASSERT_TRUE(store_->get_file(bucket_, "q2.csv", out).ok());
  EXPECT_EQ(read(out), "");

  auto all = store_->list(bucket_, "");
  ASSERT_TRUE(all.ok()) << all.error().message;
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ((*all)[0].key, "q1/part 0.csv");
  EXPECT_EQ((*all)[0].size, static_cast<int64_t>(body.size()));
  EXPECT_EQ((*all)[1].key, "q1/sub/p~1.csv");
  EXPECT_EQ((*all)[2].key, "q2.csv");
  auto q = store_->list(bucket_, "q2");
  ASSERT_TRUE(q.ok()) << q.error().message;
  ASSERT_EQ(q->size(), 1u);
  EXPECT_EQ((*q)[0].key, "q2.csv");

  require_signatures(false);
  auto q1 = store_->list(bucket_, "q1/s");
  ASSERT_TRUE(q1.ok()) << q1.error().message;
  ASSERT_EQ(q1->size(), 1u);
  EXPECT_EQ((*q1)[0].key, "q1/sub/p~1.csv");
  EXPECT_TRUE(store_->list(bucket_, "none/")->empty());
  // Only the downloaded file is left beside the target.
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir_)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"a.csv", "b.csv", "c.csv", "out.csv"}));
}

// A removed object is gone; removing it again (or one never there) is no error, as S3 answers.
TEST_F(S3ObjectStoreTest, RemovesObjects) {
  ASSERT_TRUE(store_->put_file(bucket_, "d/1.parquet", file("a.bin", "one"), "").ok());
  ASSERT_TRUE(store_->put_file(bucket_, "d/2.parquet", file("b.bin", "two"), "").ok());
  Status removed = store_->remove(bucket_, "d/1.parquet");
  ASSERT_TRUE(removed.ok()) << removed.error().message;
  require_signatures(false);  // moto re-quotes the '/' of the listing's prefix (see above)
  auto left = store_->list(bucket_, "d/");
  ASSERT_TRUE(left.ok());
  ASSERT_EQ(left->size(), 1u);
  EXPECT_EQ((*left)[0].key, "d/2.parquet");
  EXPECT_TRUE(store_->remove(bucket_, "d/1.parquet").ok());
  EXPECT_EQ(store_->get_file(bucket_, "d/1.parquet", (dir_ / "x").string()).error().kind,
            ErrorKind::NotFound);
}

TEST_F(S3ObjectStoreTest, ListingFollowsContinuationTokens) {
  S3Config paged = config(key_id_, secret_);
  paged.list_page_size = 2;
  auto store = s3_object_store(paged);
  std::string src = file("one.csv", "1\n");
  for (const char* key : {"k/a b", "k/c", "k/e", "k/f/g", "k/h", "other"})
    ASSERT_TRUE(store->put_file(bucket_, key, src, "").ok()) << key;
  auto listed = store->list(bucket_, "k");
  ASSERT_TRUE(listed.ok()) << listed.error().message;
  std::vector<std::string> keys;
  for (const auto& o : *listed) keys.push_back(o.key);
  EXPECT_EQ(keys, (std::vector<std::string>{"k/a b", "k/c", "k/e", "k/f/g", "k/h"}));
  EXPECT_EQ(store->list(bucket_, "")->size(), 6u);

  require_signatures(false);
  ASSERT_TRUE(store->put_file(bucket_, "k/i+j&k=\xc3\xa9", src, "").ok());
  auto odd = store->list(bucket_, "k/i");
  ASSERT_TRUE(odd.ok()) << odd.error().message;
  ASSERT_EQ(odd->size(), 1u);
  EXPECT_EQ((*odd)[0].key, "k/i+j&k=\xc3\xa9");
  EXPECT_EQ(store->list(bucket_, "k/")->size(), 6u);
}

TEST_F(S3ObjectStoreTest, ErrorsAreOurKinds) {
  std::string out = (dir_ / "out.csv").string();
  auto missing_key = store_->get_file(bucket_, "absent.csv", out);
  ASSERT_FALSE(missing_key.ok());
  EXPECT_EQ(missing_key.error().kind, ErrorKind::NotFound);
  EXPECT_EQ(missing_key.error().resource, Resource::Object);
  EXPECT_FALSE(fs::exists(out));
  EXPECT_TRUE(fs::is_empty(dir_)) << "no partial download is left";

  auto missing_bucket = store_->put_file("no-such-bucket-here", "k", file("a.csv", "a"), "");
  ASSERT_FALSE(missing_bucket.ok());
  EXPECT_EQ(missing_bucket.error().kind, ErrorKind::NotFound);
  EXPECT_EQ(missing_bucket.error().resource, Resource::Bucket);
  EXPECT_EQ(store_->list("no-such-bucket-here", "").error().resource, Resource::Bucket);
  EXPECT_EQ(store_->put_file(bucket_, "../x", file("a.csv", "a"), "").error().field, "key");

  auto wrong = s3_object_store(config(key_id_, "not-the-secret"))->list(bucket_, "");
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().kind, ErrorKind::Validation);
  EXPECT_NE(wrong.error().message.find("403 SignatureDoesNotMatch"), std::string::npos)
      << wrong.error().message;
  EXPECT_EQ(wrong.error().message.find("not-the-secret"), std::string::npos);

  S3Config dead = config(key_id_, secret_);
  dead.endpoint = "http://127.0.0.1:" + std::to_string(free_port());
  auto unreachable = s3_object_store(dead)->list(bucket_, "");
  ASSERT_FALSE(unreachable.ok());
  EXPECT_EQ(unreachable.error().kind, ErrorKind::Internal);
  EXPECT_NE(unreachable.error().message.find("cannot reach the object store"), std::string::npos);
}

}  // namespace
}  // namespace cleanroom::delivery
