#pragma once
// Rule-based identity matching: a party's dataset file joined to the platform's identity table
// by a waterfall of exact rules on hashed identifiers, most precise first (amc-api-facts.md,
// "Data upload": deterministic, exact, a waterfall; the hashed identifiers are dropped after
// matching, keeping the resolved user_id). The rules, the platform table's schema and the output
// are documented in docs/identity.md, "Matching".
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/error.h"
#include "data/identity.h"
#include "data/ingest.h"
#include "engine/engine.h"

namespace cleanroom::data {

// The rules in the order they are tried; a row takes the first that finds a platform user.
enum class MatchRule { Email, Phone, NamePostal, None };
// "EMAIL", "PHONE", "NAME_POSTAL", "NONE": the values of the output's match_rule column.
std::string match_rule_name(MatchRule rule);

// The columns the platform identity file must have: user_id (any orderable type), and email,
// phone, first_name, last_name, postal_code as VARCHAR holding identity hashes (hashed_sql()).
const std::vector<std::string>& platform_identity_columns();

struct MatchRequest {
  std::string party_path;  // the party's dataset file (Parquet)
  // Every identity column of the party's file by name (the dataset's pii annotations). Columns
  // of type email, phone, first_name, last_name and postal_code take part in the rules; all of
  // them are dropped from the output. At most one column per type.
  std::map<std::string, PiiType> party_identity;
  std::string platform_path;  // the platform identity file (Parquet)
  std::string target_dir;     // where the output is staged (the output dataset's folder)
  engine::EngineOptions engine;
  // Matching between two members' tables, for an ID mapping table (docs/id-mapping-tables.md).
  // Set, `platform_path` is the target member's file, read through these names instead of the
  // platform table's, and the output is the mapping alone: the distinct pairs (source_id: the
  // party's `source_id_column`, target_id: the target's id) of the rows a rule matched.
  struct MappingTarget {
    std::string source_id_column;
    std::string target_id_column;
    std::map<std::string, PiiType> target_identity;  // the target's identity columns by name
  };
  std::optional<MappingTarget> mapping;
};

struct MatchStats {
  int64_t rows = 0;
  int64_t by_email = 0;
  int64_t by_phone = 0;
  int64_t by_name_postal = 0;
  int64_t unmatched = 0;
  int64_t matched() const { return by_email + by_phone + by_name_postal; }
  // matched / rows, 0 for an empty table.
  double match_rate() const { return rows ? static_cast<double>(matched()) / rows : 0.0; }
};

// The identity type matching gives the user_id it writes: a resolved platform identity, VERY_HIGH
// wherever it lives (the query checker's QueryTable::identity_columns).
inline constexpr const char* kResolvedIdentity = "platform_user_id";

struct MatchResult {
  std::vector<IngestedColumn> columns;  // the output's: party columns, user_id, match_rule
  MatchStats stats;
  int64_t bytes = 0;
  StagedFile file;
};

// Writes the party's non-identity columns, user_id (NULL when no rule matched) and match_rule,
// in the party file's row order, to a staged Parquet file in target_dir. When several platform
// users share a key, the row takes the smallest user_id among them.
Result<MatchResult> match_identities(const MatchRequest& request);

}  // namespace cleanroom::data
