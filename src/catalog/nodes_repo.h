#pragma once
// The serving nodes of one catalog and when each last beat (core/node_presence.h).
#include <cstdint>
#include <string>

#include "catalog/database.h"

namespace cleanroom::catalog::nodes_repo {

// Records that `node_id` is alive at `now_ms` (its first beat records when it started).
Status beat(Tx& tx, const std::string& node_id, int64_t now_ms);
// A node that stops: its row goes, so its work is adopted at once rather than when it goes stale.
Status remove(Tx& tx, const std::string& node_id);
// Forgets nodes silent since before `before_ms`; how many.
Result<int64_t> forget_silent(Tx& tx, int64_t before_ms);

// Ends FAILED with `message` the PENDING and RUNNING rows of `table` whose node_id names no node
// that beat at or after `alive_since_ms` (a node killed, cut off or stopped; '' names none): the
// jobs a node ran besides queries, which no other node can take over (their input was in the
// lost node's memory). `table` and `message_column` are the repositories' own names, never a
// caller's. How many.
Result<int64_t> fail_held_by_silent(Tx& tx, const char* table, const char* message_column,
                                    const std::string& message, int64_t now_s,
                                    int64_t alive_since_ms);

// The node a collaboration's queries run on, and since when it is.
struct Home {
  std::string node_id;
  int64_t since_ms = 0;
};
// The collaboration's home: its node when that is `node_id` (the asker) or beat at or after
// `alive_since_ms`; otherwise `node_id` becomes the home from `now_ms`.
Result<Home> home_of(Tx& tx, const std::string& collaboration_id, const std::string& node_id,
                     int64_t alive_since_ms, int64_t now_ms);
// Since when `node_id` is the collaboration's home; 0 when it is not.
Result<int64_t> home_since(Tx& tx, const std::string& collaboration_id, const std::string& node_id);

}  // namespace cleanroom::catalog::nodes_repo
