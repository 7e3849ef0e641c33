#pragma once
// Difference checks in the engine (docs/difference-checks.md). With them on, every thresholded
// SELECT of a checked query asks, group by group, in its HAVING
//   __cleanroom_admit_people(CAST(LIST(DISTINCT r.c) AS VARCHAR[]), minimum)
// (policy/threshold_rewrite.h) whether the people behind the group may be answered. The engine
// hashes each person with a keyed SipHash-2-4 (the analyst cannot craft two ids that collide
// without the key) and hands the sorted set to a PeopleCheck, which compares it with the
// collaboration's history (core/difference_checks.h). A group under its minimum is admitted
// without being looked at or recorded: the threshold beside the check removes it.
#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

namespace cleanroom::engine {

using SipKey = std::array<uint64_t, 2>;

class PeopleCheck {
 public:
  virtual ~PeopleCheck() = default;
  // `people`: one group's distinct people, hashed with key(), sorted ascending, at least
  // `minimum` of them. true: the group may be answered. Called from several engine threads at
  // once.
  virtual bool admit(std::vector<uint64_t> people, int64_t minimum) = 0;
  virtual const SipKey& key() const = 0;
};

// SipHash-2-4 (Aumasson and Bernstein), the 64-bit variant.
uint64_t siphash24(const SipKey& key, std::string_view data);

}  // namespace cleanroom::engine
