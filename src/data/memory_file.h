#pragma once
// A file that lives only in memory (memfd), for uploads that arrive in a request body: the
// engine reads it by path like any file, and the raw values in it never touch a disk.
#include <string>
#include <string_view>

#include "common/error.h"

namespace cleanroom::data {

class MemoryFile {
 public:
  static Result<MemoryFile> create(std::string_view content);
  ~MemoryFile();
  MemoryFile(MemoryFile&& o) noexcept;
  MemoryFile& operator=(MemoryFile&&) = delete;
  MemoryFile(const MemoryFile&) = delete;
  MemoryFile& operator=(const MemoryFile&) = delete;

  // A path this process can open the file by (/proc/self/fd/N).
  std::string path() const;

 private:
  explicit MemoryFile(int fd) : fd_(fd) {}
  int fd_ = -1;
};

}  // namespace cleanroom::data
