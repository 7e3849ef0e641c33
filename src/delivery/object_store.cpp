#include "delivery/object_store.h"

#include <string_view>

namespace cleanroom::delivery {
namespace {

bool lower_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

}  // namespace

// S3's bucket naming rules (also the service model's S3LocationBucketString pattern): 3 to 63
// characters, dot-separated labels of lowercase letters, digits and hyphens that begin and end
// with a letter or digit, and not an IP address.
Status check_bucket_name(const std::string& bucket) {
  auto invalid = [&] {
    return Error::validation("'" + bucket +
                                 "' is not a valid bucket name (3 to 63 characters: lowercase "
                                 "letters, digits, hyphens and dots between them)",
                             "bucket");
  };
  if (bucket.size() < 3 || bucket.size() > 63) return invalid();
  bool all_digits_and_dots = true;
  size_t start = 0;
  while (start <= bucket.size()) {
    size_t end = bucket.find('.', start);
    if (end == std::string::npos) end = bucket.size();
    std::string_view label(bucket.data() + start, end - start);
    if (label.empty() || !lower_alnum(label.front()) || !lower_alnum(label.back()))
      return invalid();
    for (char c : label) {
      if (!lower_alnum(c) && c != '-') return invalid();
      if (c < '0' || c > '9') all_digits_and_dots = false;
    }
    start = end + 1;
  }
  if (all_digits_and_dots) return invalid();
  return {};
}

Status check_key(const std::string& key) {
  auto invalid = [&](const std::string& why) {
    return Error::validation("'" + key + "' is not a valid key: " + why, "key");
  };
  if (key.empty()) return invalid("it is empty");
  if (key.size() > 1024) return invalid("it is longer than 1024 bytes");
  if (key.find('\0') != std::string::npos) return invalid("it holds a NUL byte");
  if (key.front() == '/') return invalid("it starts with '/'");
  if (auto bad = bad_segment(key))
    return invalid(bad->empty() ? "it has an empty segment ('//' or a trailing '/')"
                                : "it has a '.' or '..' segment");
  return {};
}

std::optional<std::string_view> bad_segment(std::string_view path) {
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    std::string_view segment = path.substr(start, end - start);
    if (segment.empty() || segment == "." || segment == "..") return segment;
    start = end + 1;
  }
  return std::nullopt;
}

}  // namespace cleanroom::delivery
