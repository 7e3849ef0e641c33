#pragma once
// Files and folders a process leaves behind while it works (a staged upload, an engine's spill
// folder) are named PREFIX<pid>-…, so that a later start can tell a dead process's leftovers from
// a live process's work: several processes (serve, admin, upload) share one data dir.
#include <string>
#include <string_view>

namespace cleanroom {

// The name for something this process leaves behind while it works: PREFIX<pid>-<uuid>.
std::string owned_name(std::string_view prefix);

// True when `name` is PREFIX<pid>-… and no process `pid` is alive any more.
bool left_by_dead_process(std::string_view name, std::string_view prefix);

}  // namespace cleanroom
