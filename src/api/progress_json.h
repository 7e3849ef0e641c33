#pragma once
// How far a running query is, as both faces show it. Not in the Clean Rooms service model nor in
// the AMC API (clients built from them ignore unknown fields): {"fraction" (-1 while unknown),
// "rowsProcessed", "totalRows"} (docs/protected-queries.md, "Progress").
#include <nlohmann/json.hpp>

#include "engine/engine.h"

namespace cleanroom::api {

inline nlohmann::json progress_json(const engine::Progress& p) {
  return {
      {"fraction", p.fraction}, {"rowsProcessed", p.rows_processed}, {"totalRows", p.total_rows}};
}

}  // namespace cleanroom::api
