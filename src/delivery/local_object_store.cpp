// The local bucket folder: DATA_DIR/buckets/<bucket>/<key>. Objects are written to a hidden temp
// file beside their final place, synced and renamed, so a reader never sees half an object and a
// crash leaves either the old one or the new one.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <vector>

#include "common/crypto.h"
#include "delivery/object_store.h"

namespace cleanroom::delivery {
namespace fs = std::filesystem;
namespace {

// Temp files of put_file; never listed as objects.
constexpr std::string_view kTempPrefix = ".cleanroom-tmp-";

class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  ~FileDescriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

std::string parent_of(const std::string& path) {
  std::string parent = fs::path(path).parent_path().string();
  return parent.empty() ? "." : parent;
}

Status sync_folder(const std::string& folder) {
  FileDescriptor fd(::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() < 0 || ::fsync(fd.get()) != 0)
    return Error::internal("cannot sync folder " + folder + ": " + std::strerror(errno));
  return {};
}

// Copies `from` into the new file `to` and syncs it; on failure `to` is removed.
Status copy_synced(const std::string& from, const std::string& to) {
  FileDescriptor in(::open(from.c_str(), O_RDONLY | O_CLOEXEC));
  if (in.get() < 0) return Error::internal("cannot open " + from + ": " + std::strerror(errno));
  FileDescriptor out(::open(to.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
  if (out.get() < 0) return Error::internal("cannot create " + to + ": " + std::strerror(errno));
  std::vector<char> buffer(1 << 20);
  auto fail = [&](const std::string& what) -> Status {
    std::string why = std::strerror(errno);
    ::unlink(to.c_str());
    return Error::internal("cannot " + what + ": " + why);
  };
  for (;;) {
    ssize_t n = ::read(in.get(), buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail("read " + from);
    if (n == 0) break;
    for (ssize_t done = 0; done < n;) {
      ssize_t w = ::write(out.get(), buffer.data() + done, static_cast<size_t>(n - done));
      if (w < 0 && errno == EINTR) continue;
      if (w < 0) return fail("write " + to);
      done += w;
    }
  }
  if (::fsync(out.get()) != 0) return fail("sync " + to);
  return {};
}

// Renames a synced temp file into place and syncs the folder; removes the temp file on failure.
Status publish(const std::string& temp, const std::string& final_path) {
  if (::rename(temp.c_str(), final_path.c_str()) != 0) {
    std::string why = std::strerror(errno);
    ::unlink(temp.c_str());
    return Error::internal("cannot rename " + temp + " to " + final_path + ": " + why);
  }
  return sync_folder(parent_of(final_path));
}

class LocalObjectStore : public ObjectStore {
 public:
  explicit LocalObjectStore(std::string root) : root_(std::move(root)) {
    while (root_.size() > 1 && root_.back() == '/') root_.pop_back();
  }

  Status put_file(const std::string& bucket, const std::string& key, const std::string& local_path,
                  const std::string& /*content_type*/) override {
    CR_TRY(check_key(key));
    CR_ASSIGN(std::string dir, bucket_dir(bucket));
    const std::string target = dir + "/" + key;
    const std::string folder = parent_of(target);
    std::error_code ec;
    fs::create_directories(folder, ec);
    if (ec)
      return Error::validation("cannot store " + location(bucket, key) +
                                   ": a part of the key is an object, " + ec.message(),
                               "key");
    if (fs::is_directory(target, ec))
      return Error::validation("cannot store " + location(bucket, key) + ": keys below it exist",
                               "key");
    const std::string temp = folder + "/" + std::string(kTempPrefix) + crypto::uuid4();
    CR_TRY(copy_synced(local_path, temp));
    return publish(temp, target);
  }

  Status get_file(const std::string& bucket, const std::string& key,
                  const std::string& local_path) override {
    CR_TRY(check_key(key));
    CR_ASSIGN(std::string dir, bucket_dir(bucket));
    const std::string source = dir + "/" + key;
    std::error_code ec;
    if (!fs::is_regular_file(source, ec))
      return Error::not_found(Resource::Object, bucket + "/" + key);
    // Beside the target and named after it, so whoever cleans up the target's folder finds it.
    const std::string temp = local_path + ".part-" + crypto::random_string(12);
    CR_TRY(copy_synced(source, temp));
    return publish(temp, local_path);
  }

  Result<std::vector<ObjectInfo>> list(const std::string& bucket,
                                       const std::string& prefix) override {
    CR_ASSIGN(std::string dir, bucket_dir(bucket));
    std::vector<ObjectInfo> out;
    // Walk only the folder the prefix names; a folder no key can be in holds nothing.
    std::string folder = prefix.substr(0, prefix.rfind('/') + 1);
    if (!folder.empty() && !check_key(folder.substr(0, folder.size() - 1)).ok()) return out;
    const std::string start = folder.empty() ? dir : dir + "/" + folder;
    std::error_code ec;
    if (!fs::is_directory(start, ec)) return out;
    for (auto it = fs::recursive_directory_iterator(start, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      std::error_code entry_ec;
      if (!it->is_regular_file(entry_ec)) continue;
      if (it->path().filename().string().rfind(kTempPrefix, 0) == 0) continue;
      std::string key = it->path().string().substr(dir.size() + 1);
      if (key.rfind(prefix, 0) != 0) continue;
      auto size = it->file_size(entry_ec);
      if (entry_ec) continue;  // removed while listing
      out.push_back({std::move(key), static_cast<int64_t>(size)});
    }
    if (ec) return Error::internal("cannot list bucket " + bucket + ": " + ec.message());
    std::sort(out.begin(), out.end(),
              [](const ObjectInfo& a, const ObjectInfo& b) { return a.key < b.key; });
    return out;
  }

  Status remove(const std::string& bucket, const std::string& key) override {
    CR_TRY(check_key(key));
    CR_ASSIGN(std::string dir, bucket_dir(bucket));
    const std::string target = dir + "/" + key;
    if (::unlink(target.c_str()) != 0) {
      if (errno == ENOENT) return {};
      return Error::internal("cannot remove " + location(bucket, key) + ": " +
                             std::strerror(errno));
    }
    return sync_folder(parent_of(target));
  }

  Status create_bucket(const std::string& bucket) override {
    CR_TRY(check_bucket_name(bucket));
    std::error_code ec;
    fs::create_directories(root_ + "/" + bucket, ec);
    if (ec)
      return Error::internal("cannot create bucket folder " + root_ + "/" + bucket + ": " +
                             ec.message());
    return {};
  }

 private:
  // The bucket's folder; NotFound when it does not exist.
  Result<std::string> bucket_dir(const std::string& bucket) const {
    CR_TRY(check_bucket_name(bucket));
    std::string dir = root_ + "/" + bucket;
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) return Error::not_found(Resource::Bucket, bucket);
    return dir;
  }

  std::string root_;
};

}  // namespace

std::unique_ptr<ObjectStore> local_object_store(const std::string& buckets_dir) {
  return std::make_unique<LocalObjectStore>(buckets_dir);
}

}  // namespace cleanroom::delivery
