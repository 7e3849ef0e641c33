#include "data/memory_file.h"

#include <sys/mman.h>
#include <unistd.h>

#include <utility>

namespace cleanroom::data {

Result<MemoryFile> MemoryFile::create(std::string_view content) {
  int fd = ::memfd_create("cleanroom-upload", MFD_CLOEXEC);
  if (fd < 0) return Error::internal("cannot create an in-memory file");
  MemoryFile file(fd);
  size_t written = 0;
  while (written < content.size()) {
    ssize_t n = ::write(fd, content.data() + written, content.size() - written);
    if (n <= 0) return Error::internal("cannot fill an in-memory file");
    written += static_cast<size_t>(n);
  }
  return file;
}

MemoryFile::~MemoryFile() {
  if (fd_ >= 0) ::close(fd_);
}

MemoryFile::MemoryFile(MemoryFile&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}

std::string MemoryFile::path() const { return "/proc/self/fd/" + std::to_string(fd_); }

}  // namespace cleanroom::data
