#pragma once
// Buckets: where datasets may be registered from and where query results are delivered. Either
// the local bucket folder (DATA_DIR/buckets/<bucket>/<key>) or an S3-compatible endpoint reached
// through libcurl's built-in SigV4 (DESIGN.md "Storage"). Nothing above this interface knows
// which one is in use.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/error.h"

namespace cleanroom::delivery {

struct S3Config {
  std::string endpoint;  // http://127.0.0.1:5000, no trailing slash; path-style addressing
  std::string access_key_id;
  std::string secret_access_key;
  std::string region = "us-east-1";
  int list_page_size = 1000;  // keys per ListObjectsV2 answer (S3's maximum); tests page sooner
};

struct ObjectInfo {
  std::string key;
  int64_t size = 0;
};

class ObjectStore {
 public:
  virtual ~ObjectStore() = default;
  // Copies a local file to bucket/key; the object is in place when this returns Ok. A missing
  // bucket is a NotFound error; other failures say what the endpoint answered.
  virtual Status put_file(const std::string& bucket, const std::string& key,
                          const std::string& local_path, const std::string& content_type) = 0;
  // Copies bucket/key to a local file (written whole or not at all).
  virtual Status get_file(const std::string& bucket, const std::string& key,
                          const std::string& local_path) = 0;
  // The objects whose keys start with `prefix`, sorted by key. A missing bucket is NotFound.
  virtual Result<std::vector<ObjectInfo>> list(const std::string& bucket,
                                               const std::string& prefix) = 0;
  // Removes bucket/key; a key that is not there is no error (S3's DELETE answers the same).
  virtual Status remove(const std::string& bucket, const std::string& key) = 0;
  // Makes an empty bucket; one that exists already is no error.
  virtual Status create_bucket(const std::string& bucket) {
    return Error::not_implemented("this object store cannot create bucket " + bucket);
  }
  // "s3://bucket/key", the location clients are given.
  static std::string location(const std::string& bucket, const std::string& key) {
    return "s3://" + bucket + "/" + key;
  }
  // The bucket and key of such a location; none when it is not one.
  static std::optional<std::pair<std::string, std::string>> parse_location(const std::string& loc) {
    const std::string scheme = "s3://";
    auto slash = loc.find('/', scheme.size());
    if (loc.rfind(scheme, 0) != 0 || slash == std::string::npos) return std::nullopt;
    return std::make_pair(loc.substr(scheme.size(), slash - scheme.size()), loc.substr(slash + 1));
  }
};

// The names both stores accept, whatever the store allows on its own: S3's bucket naming rules,
// and keys of 1 to 1024 bytes made of non-empty '/'-separated segments other than "." and "..",
// so that a key can never leave its bucket folder. Errors name the field "bucket" or "key".
Status check_bucket_name(const std::string& bucket);
Status check_key(const std::string& key);
// The first '/'-separated segment of `path` that could leave a folder or name none: "" (an empty
// segment), "." or ".."; nullopt when every segment is a name. The one test behind check_key and
// the core's key prefixes.
std::optional<std::string_view> bad_segment(std::string_view path);

// DATA_DIR/buckets: a bucket is a folder that exists (created on demand with create_bucket).
std::unique_ptr<ObjectStore> local_object_store(const std::string& buckets_dir);
std::unique_ptr<ObjectStore> s3_object_store(const S3Config& config);

}  // namespace cleanroom::delivery
