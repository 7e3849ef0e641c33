#pragma once
// Membership in a container, until C++23's std::ranges::contains (GCC 12 lacks it).
#include <algorithm>

namespace cleanroom {

template <typename Range, typename T>
bool contains(const Range& range, const T& value) {
  return std::ranges::find(range, value) != std::ranges::end(range);
}

}  // namespace cleanroom
