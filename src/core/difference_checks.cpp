#include "core/difference_checks.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "common/clock.h"
#include "common/crypto.h"

namespace cleanroom::core {
namespace fs = std::filesystem;
namespace {

constexpr int64_t kRetentionMillis = kRetentionDays * 24 * 3600 * 1000;

struct StoredSet {
  int64_t created_ms = 0;
  int64_t minimum = 0;
  std::vector<uint64_t> people;
};

// A record of the .sets file: created_ms, minimum, count, then count hashes; 64-bit words in
// the machine's byte order (the data dir is not moved between architectures).
void append_record(std::string& out, const StoredSet& s) {
  const uint64_t head[3] = {static_cast<uint64_t>(s.created_ms), static_cast<uint64_t>(s.minimum),
                            s.people.size()};
  out.append(reinterpret_cast<const char*>(head), sizeof(head));
  out.append(reinterpret_cast<const char*>(s.people.data()), s.people.size() * sizeof(uint64_t));
}

Status write_all(int fd, const std::string& bytes, const std::string& path) {
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0) return Error::internal("cannot write " + path + ": " + std::strerror(errno));
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) return Error::internal("cannot sync " + path + ": " + std::strerror(errno));
  return {};
}

}  // namespace

int64_t symmetric_difference(const std::vector<uint64_t>& a, const std::vector<uint64_t>& b,
                             int64_t limit) {
  int64_t d = 0;
  size_t i = 0, j = 0;
  while (i < a.size() && j < b.size() && d < limit) {
    if (a[i] == b[j]) {
      ++i;
      ++j;
    } else if (a[i] < b[j]) {
      ++i;
      ++d;
    } else {
      ++j;
      ++d;
    }
  }
  d += static_cast<int64_t>((a.size() - i) + (b.size() - j));
  return std::min(d, limit);
}

struct DifferenceChecks::History {
  std::string path;
  std::string key;  // in the shared store
  int64_t loaded_ms = 0;
  std::mutex mu;
  std::map<uint64_t, StoredSet> sets;  // by id: oldest first
  std::multimap<size_t, uint64_t> by_size;
  uint64_t next_id = 0;
  int64_t max_minimum = 0;
  size_t total = 0;

  uint64_t add(StoredSet s) {
    const uint64_t id = next_id++;
    max_minimum = std::max(max_minimum, s.minimum);
    total += s.people.size();
    by_size.emplace(s.people.size(), id);
    sets.emplace(id, std::move(s));
    return id;
  }

  void forget(uint64_t id) {
    auto it = sets.find(id);
    if (it == sets.end()) return;
    auto [lo, hi] = by_size.equal_range(it->second.people.size());
    for (auto i = lo; i != hi; ++i)
      if (i->second == id) {
        by_size.erase(i);
        break;
      }
    total -= it->second.people.size();
    sets.erase(it);
  }

  void forget_older_than(int64_t cutoff_ms) {
    while (!sets.empty() && sets.begin()->second.created_ms < cutoff_ms)
      forget(sets.begin()->first);
  }

  // The .sets file, past the retention window; a torn last record (a crash while appending)
  // is cut off. Rewritten when anything was dropped, so the file stays bounded too.
  Status load() {
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (!f) return {};
    std::string bytes;
    char buf[1 << 16];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof(buf), f)) > 0) bytes.append(buf, n);
    std::fclose(f);
    const int64_t cutoff = now_epoch_millis() - kRetentionMillis;
    size_t pos = 0;
    bool dropped = false;
    while (pos + 3 * sizeof(uint64_t) <= bytes.size()) {
      uint64_t head[3];
      std::memcpy(head, bytes.data() + pos, sizeof(head));
      const size_t body = head[2] * sizeof(uint64_t);
      if (head[2] > bytes.size() || pos + sizeof(head) + body > bytes.size()) break;
      StoredSet s{static_cast<int64_t>(head[0]), static_cast<int64_t>(head[1]),
                  std::vector<uint64_t>(head[2])};
      std::memcpy(s.people.data(), bytes.data() + pos + sizeof(head), body);
      pos += sizeof(head) + body;
      if (s.created_ms < cutoff) {
        dropped = true;
        continue;
      }
      add(std::move(s));
    }
    if (pos != bytes.size()) dropped = true;
    if (!dropped) return {};
    std::string kept;
    for (const auto& [id, s] : sets) append_record(kept, s);
    const std::string tmp = path + ".tmp";
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) return Error::internal("cannot write " + tmp + ": " + std::strerror(errno));
    Status written = write_all(fd, kept, tmp);
    ::close(fd);
    CR_TRY(written);
    std::error_code ec;
    fs::rename(tmp, path, ec);
    if (ec) return Error::internal("cannot replace " + path + ": " + ec.message());
    return {};
  }
};

DifferenceChecks::DifferenceChecks(std::string dir, const std::string& master_key,
                                   size_t max_people, SharedStore shared)
    : shared_(std::move(shared)), dir_(std::move(dir)), max_people_(max_people) {
  const std::string k = crypto::hmac_sha256(master_key, "cleanroom difference checks: people");
  std::memcpy(key_.data(), k.data(), sizeof(key_));
}

DifferenceChecks::~DifferenceChecks() = default;

Result<std::shared_ptr<DifferenceChecks::History>> DifferenceChecks::history(
    const std::string& collaboration_id, int64_t fresh_since_ms) {
  std::lock_guard lock(mu_);
  auto& h = histories_[collaboration_id];
  if (!h || h->loaded_ms < fresh_since_ms) {
    auto loaded = std::make_shared<History>();
    loaded->path = dir_ + "/" + collaboration_id + ".sets";
    loaded->key = "difference-checks/" + collaboration_id + ".sets";
    loaded->loaded_ms = now_epoch_millis();
    if (auto [store, bucket] = shared_store(); store) {
      std::error_code ec;
      fs::create_directories(dir_, ec);
      // None there yet: nothing was recorded anywhere but perhaps here, before the store.
      if (Status got = store->get_file(bucket, loaded->key, loaded->path);
          !got.ok() && got.error().kind != ErrorKind::NotFound)
        return Error::internal("cannot read the shared difference-check history: " +
                               got.error().message);
    }
    CR_TRY(loaded->load());
    h = std::move(loaded);
  }
  return h;
}

Result<std::unique_ptr<DifferenceChecks::Run>> DifferenceChecks::start(
    const std::string& collaboration_id, int64_t fresh_since_ms) {
  CR_ASSIGN(auto h, history(collaboration_id, fresh_since_ms));
  return std::unique_ptr<Run>(new Run(*this, std::move(h)));
}

DifferenceChecks::Run::Run(DifferenceChecks& owner, std::shared_ptr<History> history)
    : owner_(owner), history_(std::move(history)) {}

const engine::SipKey& DifferenceChecks::Run::key() const { return owner_.key_; }

bool DifferenceChecks::Run::admit(std::vector<uint64_t> people, int64_t minimum) {
  History& h = *history_;
  std::lock_guard lock(h.mu);
  h.forget_older_than(now_epoch_millis() - kRetentionMillis);
  const int64_t n = static_cast<int64_t>(people.size());
  const int64_t widest = std::max(minimum, h.max_minimum);
  auto it = h.by_size.lower_bound(static_cast<size_t>(std::max<int64_t>(0, n - widest + 1)));
  bool identical = false;
  for (; it != h.by_size.end() && static_cast<int64_t>(it->first) < n + widest; ++it) {
    const StoredSet& s = h.sets.at(it->second);
    const int64_t limit = std::max(minimum, s.minimum);
    if (std::abs(n - static_cast<int64_t>(s.people.size())) >= limit) continue;
    const int64_t d = symmetric_difference(people, s.people, limit);
    if (d == 0) {
      identical = true;
    } else if (d < limit) {
      std::lock_guard mine(mu_);
      ++refused_;
      return false;
    }
  }
  if (!identical) {
    // A full history withholds, never forgets: forgetting the oldest groups on demand would let
    // an analyst flood the history to erase the group it wants to difference against.
    if (h.total + people.size() > owner_.max_people_) {
      std::lock_guard mine(mu_);
      ++refused_;
      return false;
    }
    const uint64_t id = h.add({now_epoch_millis(), minimum, std::move(people)});
    std::lock_guard mine(mu_);
    admitted_.push_back(id);
  }
  return true;
}

int64_t DifferenceChecks::Run::refused() const {
  std::lock_guard mine(mu_);
  return refused_;
}

Status DifferenceChecks::Run::record() {
  std::vector<uint64_t> ids;
  {
    std::lock_guard mine(mu_);
    ids.swap(admitted_);
  }
  if (ids.empty()) return {};
  // Under the history's lock: two runs' appends never interleave.
  std::lock_guard lock(history_->mu);
  std::string bytes;
  for (uint64_t id : ids) {
    auto it = history_->sets.find(id);
    if (it != history_->sets.end()) append_record(bytes, it->second);
  }
  std::error_code ec;
  fs::create_directories(owner_.dir_, ec);
  const std::string& path = history_->path;
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) return Error::internal("cannot open " + path + ": " + std::strerror(errno));
  Status written = write_all(fd, bytes, path);
  ::close(fd);
  CR_TRY(written);
  // Before the result is delivered: the next node to run the collaboration's queries sees it.
  if (auto [store, bucket] = owner_.shared_store(); store)
    return store->put_file(bucket, history_->key, path, "application/octet-stream");
  return {};
}

}  // namespace cleanroom::core
