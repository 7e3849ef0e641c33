#include "common/dead_owner.h"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

#include "common/crypto.h"

namespace cleanroom {

std::string owned_name(std::string_view prefix) {
  return std::string(prefix) + std::to_string(::getpid()) + "-" + crypto::uuid4();
}

bool left_by_dead_process(std::string_view name, std::string_view prefix) {
  if (name.substr(0, prefix.size()) != prefix) return false;
  const std::string rest(name.substr(prefix.size()));
  const pid_t pid = static_cast<pid_t>(std::atoll(rest.c_str()));
  return pid > 0 && ::kill(pid, 0) != 0 && errno == ESRCH;
}

}  // namespace cleanroom
