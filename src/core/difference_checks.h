#pragma once
// Difference checks (docs/difference-checks.md), as Ads Data Hub has them: thresholds alone fall
// to differencing (a group of a target and five decoys, then the five decoys alone: both pass a
// minimum of 3, and the difference of their sums is the target's). So every group a thresholded
// SELECT answers is compared, by the people behind it, with every group already answered in the
// same collaboration (by any member, in any earlier or concurrent query, and earlier in the same
// query): a group whose people differ from an earlier group's by at least one and by fewer than
// the larger of the two minimums is not answered. Identical people (the same query run again)
// and groups far apart pass.
//
// What is kept: each admitted group's people as sorted 64-bit keyed hashes (SipHash-2-4 under a
// key derived from the data dir's master key), with its minimum and time, in memory for the
// collaborations queried since the start and in DATA_DIR/difference-checks/<collaboration>.sets,
// appended when a query succeeds, for kRetentionDays. Identical sets are kept once. A history of
// kMaxPeoplePerCollaboration hashes is full: until the retention window frees room, every new
// group is withheld (forgetting old groups on demand would let an analyst erase the group it
// wants to difference against by flooding the history).
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/error.h"
#include "delivery/object_store.h"
#include "engine/people_check.h"

namespace cleanroom::core {

inline constexpr int64_t kRetentionDays = 90;
inline constexpr size_t kMaxPeoplePerCollaboration = 64u << 20;  // 512 MiB of hashes

class DifferenceChecks {
  struct History;

 public:
  // Several nodes: the store (and bucket) each history is also written to after every record(),
  // and read from when it is loaded, so that the node that runs a collaboration's queries next
  // starts from everything recorded anywhere. Asked at each use (serve names the store after
  // the checks exist); a null store: this data dir only.
  using SharedStore = std::function<std::pair<delivery::ObjectStore*, std::string>()>;

  // `dir`: where the sets live; `master_key`: the data dir's key the hash key is derived from;
  // `max_people`: the hashes a collaboration's history holds at most.
  DifferenceChecks(std::string dir, const std::string& master_key,
                   size_t max_people = kMaxPeoplePerCollaboration, SharedStore shared = {});
  ~DifferenceChecks();

  // The check of one run of a query of `collaboration_id`. Groups it admits count at once for
  // every other run of the collaboration (so that two queries run side by side are compared);
  // record() keeps them across restarts, and is called once the result is written and before it
  // is delivered. Without record() (the run failed), they count until the server stops.
  class Run : public engine::PeopleCheck {
   public:
    bool admit(std::vector<uint64_t> people, int64_t minimum) override;
    const engine::SipKey& key() const override;
    Status record();
    int64_t refused() const;  // groups not admitted

   private:
    friend class DifferenceChecks;
    Run(DifferenceChecks& owner, std::shared_ptr<History> history);
    DifferenceChecks& owner_;
    std::shared_ptr<History> history_;
    mutable std::mutex mu_;
    std::vector<uint64_t> admitted_;  // ids of sets this run added
    int64_t refused_ = 0;
  };

  // A history this node loaded before `fresh_since_ms` is loaded again first: another node may
  // have added to it since (the collaboration's queries moved here then, core/node_presence.h).
  Result<std::unique_ptr<Run>> start(const std::string& collaboration_id,
                                     int64_t fresh_since_ms = 0);

 private:
  Result<std::shared_ptr<History>> history(const std::string& collaboration_id,
                                           int64_t fresh_since_ms);
  std::pair<delivery::ObjectStore*, std::string> shared_store() const {
    return shared_ ? shared_() : std::pair<delivery::ObjectStore*, std::string>{};
  }
  SharedStore shared_;
  std::string dir_;
  engine::SipKey key_;
  size_t max_people_;
  std::mutex mu_;
  std::map<std::string, std::shared_ptr<History>> histories_;
};

// |a Δ b| for two sorted sets, counted up to `limit` (the walk stops there).
int64_t symmetric_difference(const std::vector<uint64_t>& a, const std::vector<uint64_t>& b,
                             int64_t limit);

}  // namespace cleanroom::core
