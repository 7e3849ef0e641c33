#include "data/identity_matching.h"

#include <filesystem>
#include <set>

#include "data/sources.h"

namespace cleanroom::data {
namespace fs = std::filesystem;
using engine::sql_identifier;
using engine::sql_literal;

namespace {

// One rule of the waterfall: the identity types whose hashes must all be equal.
struct RuleKeys {
  MatchRule rule;
  std::vector<PiiType> types;
  const char* alias;  // of the rule's lookup in the SQL
};

const std::vector<RuleKeys>& waterfall() {
  static const std::vector<RuleKeys> rules = {
      {MatchRule::Email, {PiiType::Email}, "by_email"},
      {MatchRule::Phone, {PiiType::Phone}, "by_phone"},
      {MatchRule::NamePostal,
       {PiiType::FirstName, PiiType::LastName, PiiType::PostalCode},
       "by_name_postal"}};
  return rules;
}

Result<std::vector<engine::ResultColumn>> columns_of(engine::Connection& con,
                                                     const std::string& select) {
  auto described = engine::describe(con, select);
  if (!described.ok()) return data_error(described.error());
  return std::move(*described);
}

Status check_platform_schema(const std::vector<engine::ResultColumn>& columns) {
  std::map<std::string, std::string> types;
  for (const auto& [name, type] : columns) types[name] = type;
  for (const auto& name : platform_identity_columns()) {
    auto it = types.find(name);
    if (it == types.end())
      return Error::validation("the platform identity table has no column " + name +
                               "; it needs user_id, email, phone, first_name, last_name and "
                               "postal_code");
    if (name != "user_id" && it->second != "VARCHAR")
      return Error::validation("column " + name + " of the platform identity table is " +
                               it->second + "; identity hashes are VARCHAR");
  }
  return {};
}

}  // namespace

std::string match_rule_name(MatchRule rule) {
  switch (rule) {
    case MatchRule::Email:
      return "EMAIL";
    case MatchRule::Phone:
      return "PHONE";
    case MatchRule::NamePostal:
      return "NAME_POSTAL";
    case MatchRule::None:
      return "NONE";
  }
  return "NONE";
}

const std::vector<std::string>& platform_identity_columns() {
  static const std::vector<std::string> columns = {"user_id",    "email",     "phone",
                                                   "first_name", "last_name", "postal_code"};
  return columns;
}

Result<MatchResult> match_identities(const MatchRequest& req) {
  // Which party column holds each identity type taking part in the rules.
  std::map<PiiType, std::string> party_column;
  for (const auto& [name, type] : req.party_identity) {
    if (!party_column.emplace(type, name).second)
      return Error::validation("columns " + party_column[type] + " and " + name + " are both " +
                               pii_type_name(type) + "; matching needs one column per type");
  }
  // Between two members' tables, a rule needs its columns on both sides.
  std::map<PiiType, std::string> target_column;
  if (req.mapping)
    for (const auto& [name, type] : req.mapping->target_identity) target_column.emplace(type, name);
  std::vector<const RuleKeys*> rules;
  for (const auto& r : waterfall()) {
    bool usable = true;
    for (auto t : r.types)
      usable = usable && party_column.count(t) && (!req.mapping || target_column.count(t));
    if (usable) rules.push_back(&r);
  }
  if (rules.empty())
    return Error::validation(
        "the table has nothing to match on: it needs an identity column of type email or phone, "
        "or first_name, last_name and postal_code together");

  std::error_code ec;
  fs::create_directories(req.target_dir, ec);
  if (ec) return Error::internal("cannot create " + req.target_dir + ": " + ec.message());
  // Both inputs and the output's folder, nothing else (DESIGN.md "Query execution and its
  // sandbox").
  engine::EngineOptions options = req.engine;
  options.allowed_paths = {req.party_path, req.platform_path};
  options.allowed_directories = {req.target_dir + "/"};
  options.enable_external_access = false;
  options.lock_configuration = true;
  CR_ASSIGN(auto engine, engine::Engine::open(options));
  engine::Connection& con = engine->connection();

  const std::string party = "read_parquet(" + sql_literal(req.party_path) + ")";
  std::string platform = "read_parquet(" + sql_literal(req.platform_path) + ")";
  if (req.mapping) {
    // The target member's table under the platform table's names; a type it lacks is NULL.
    std::string renamed = "SELECT " + sql_identifier(req.mapping->target_id_column) + " AS user_id";
    for (const auto& name : platform_identity_columns()) {
      if (name == "user_id") continue;
      auto it = target_column.find(*pii_type_from_name(name));
      renamed += ", " +
                 (it == target_column.end() ? std::string("CAST(NULL AS VARCHAR)")
                                            : sql_identifier(it->second)) +
                 " AS " + sql_identifier(name);
    }
    platform = "(" + renamed + " FROM " + platform + ")";
  }
  CR_ASSIGN(auto platform_columns, columns_of(con, "SELECT * FROM " + platform));
  CR_TRY(check_platform_schema(platform_columns));
  CR_ASSIGN(auto party_columns, columns_of(con, "SELECT * FROM " + party));
  std::vector<std::string> kept;
  for (const auto& [name, type] : party_columns) {
    if (req.mapping) {
      if (name == req.mapping->source_id_column) kept.push_back(name);
      continue;
    }
    if (req.party_identity.count(name)) continue;
    if (name == "user_id" || name == "match_rule")
      return Error::validation("the table already has a column " + name +
                               ", which matching adds; rename it");
    kept.push_back(name);
  }
  for (const auto& [name, type] : req.party_identity) {
    bool found = false;
    for (const auto& [n, t] : party_columns) found = found || n == name;
    if (!found) return Error::validation("identity column " + name + " is not in the table");
  }

  // One lookup per rule: key -> the smallest user_id having it, so a key shared by several
  // platform users resolves the same way every time. Grouping makes each join add at most one
  // row, so the output has exactly the party's rows.
  std::string sql =
      "WITH party AS (SELECT * EXCLUDE (file_row_number), file_row_number AS "
      "\"__row\" FROM read_parquet(" +
      sql_literal(req.party_path) + ", file_row_number = true)), platform AS (SELECT * FROM " +
      platform + ")";
  for (const auto* r : rules) {
    std::string keys, not_null;
    for (size_t i = 0; i < r->types.size(); i++) {
      std::string col = sql_identifier(pii_type_name(r->types[i]));
      keys += (i ? ", " : "") + col + " AS k" + std::to_string(i);
      not_null += " AND " + col + " IS NOT NULL";
    }
    sql += ", " + std::string(r->alias) + " AS (SELECT " + keys +
           ", min(user_id) AS user_id FROM platform WHERE user_id IS NOT NULL" + not_null +
           " GROUP BY ALL)";
  }
  sql += " SELECT ";
  for (const auto& name : kept) sql += "party." + sql_identifier(name) + ", ";
  std::string user_id = "CASE", rule = "CASE";
  for (const auto* r : rules) {
    std::string hit = std::string(r->alias) + ".user_id";
    user_id += " WHEN " + hit + " IS NOT NULL THEN " + hit;
    rule += " WHEN " + hit + " IS NOT NULL THEN " + sql_literal(match_rule_name(r->rule));
  }
  sql += user_id + " END AS user_id, " + rule + " ELSE " +
         sql_literal(match_rule_name(MatchRule::None)) + " END AS match_rule FROM party";
  for (const auto* r : rules) {
    sql += " LEFT JOIN " + std::string(r->alias) + " ON ";
    for (size_t i = 0; i < r->types.size(); i++)
      sql += std::string(i ? " AND " : "") + "party." +
             sql_identifier(party_column.at(r->types[i])) + " = " + r->alias + ".k" +
             std::to_string(i);
  }
  sql += " ORDER BY party.\"__row\"";
  // The mapping: which source id each matched row's target id is, once per pair.
  if (req.mapping) {
    if (kept.size() != 1)
      return Error::validation("the source table has no column " + req.mapping->source_id_column);
    sql = "SELECT DISTINCT " + sql_identifier(kept[0]) +
          " AS source_id, user_id AS target_id FROM (" + sql + ") WHERE user_id IS NOT NULL";
  }

  MatchResult out{{}, {}, 0, StagedFile(staging_path(req.target_dir, ".parquet"))};
  CR_ASSIGN(auto output_columns, columns_of(con, sql));
  for (const auto& [name, type] : output_columns)
    out.columns.push_back({name, type, name == "user_id" ? kResolvedIdentity : ""});
  auto copied =
      con.query("COPY (" + sql + ") TO " + sql_literal(out.file.path()) + " (FORMAT parquet)");
  if (!copied.ok()) return data_error(copied.error());

  out.bytes = static_cast<int64_t>(fs::file_size(out.file.path(), ec));
  if (req.mapping) return out;  // nothing is counted: no one is told how many matched
  CR_ASSIGN(auto counted,
            con.query("SELECT count(*), count(*) FILTER (WHERE match_rule = 'EMAIL'), "
                      "count(*) FILTER (WHERE match_rule = 'PHONE'), "
                      "count(*) FILTER (WHERE match_rule = 'NAME_POSTAL') FROM read_parquet(" +
                      sql_literal(out.file.path()) + ")"));
  CR_ASSIGN(auto rows, counted.rows());
  const auto& r = rows.at(0);
  out.stats.rows = std::get<int64_t>(r[0]);
  out.stats.by_email = std::get<int64_t>(r[1]);
  out.stats.by_phone = std::get<int64_t>(r[2]);
  out.stats.by_name_postal = std::get<int64_t>(r[3]);
  out.stats.unmatched = out.stats.rows - out.stats.matched();
  out.bytes = static_cast<int64_t>(fs::file_size(out.file.path(), ec));
  return out;
}

}  // namespace cleanroom::data
