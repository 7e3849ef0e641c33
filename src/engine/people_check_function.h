#pragma once
// Registers __cleanroom_admit_people (people_check.h) on one sandbox's connection, answering
// from `check`, which must outlive the connection. Private to src/engine.
#include "common/error.h"
#include "engine/duckdb_handles.h"
#include "engine/people_check.h"

namespace cleanroom::engine {

Status register_people_check(duckdb_connection con, PeopleCheck& check);

}  // namespace cleanroom::engine
