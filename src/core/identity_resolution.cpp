#include "core/identity_resolution.h"

#include "core/dataset_files.h"
#include "core/datasets.h"
#include "core/platform.h"

namespace cleanroom::core {
using catalog::DatasetRecord;
using catalog::Tx;

namespace {

// The platform table's identity columns must have been hashed as their own type on the way in,
// or nothing would compare equal to the party's hashes.
Status check_platform_table(const DatasetRecord& platform) {
  const std::string name = platform.database_name + "." + platform.table_name;
  for (const auto& column : data::platform_identity_columns()) {
    if (column == "user_id") continue;
    bool hashed = false;
    for (const auto& c : platform.columns) hashed = hashed || (c.name == column && c.pii == column);
    if (!hashed)
      return Error::validation("platform identity table " + name + " must have column " + column +
                               " uploaded as identity type " + column);
  }
  return {};
}

}  // namespace

Result<Resolution> IdentityResolutionService::resolve(const std::string& caller,
                                                      const ResolveRequest& req) {
  const std::string into_database =
      req.into_database.empty() ? req.database_name : req.into_database;
  const std::string into_table =
      req.into_table.empty() ? req.table_name + "_resolved" : req.into_table;
  CR_TRY(check_dataset_names(req.database_name, req.table_name));
  CR_TRY(check_dataset_names(into_database, into_table));
  if (into_database == req.database_name && into_table == req.table_name)
    return Error::validation("the resolved table must differ from the table being resolved",
                             "into");
  // The identity table is always the platform's own: no party can have its table matched
  // against another party's data.
  CR_ASSIGN(auto provider, platform_account(ctx_.db, "ADVERTISING_DATA_PROVIDER"));

  Resolution out;
  CR_TRY(status_of(ctx_.db.read<bool>([&](Tx& tx) -> Result<bool> {
    CR_ASSIGN(auto source,
              catalog::datasets_repo::find(tx, caller, req.database_name, req.table_name));
    if (!source)
      return Error::not_found(Resource::Dataset, req.database_name + "." + req.table_name);
    CR_ASSIGN(auto platform,
              catalog::datasets_repo::find(tx, provider.account_id, req.platform_database,
                                           req.platform_table));
    if (!platform)
      return Error::not_found(Resource::PlatformIdentityTable,
                              req.platform_database + "." + req.platform_table);
    out.source = *source;
    out.platform = *platform;
    return true;
  })));
  CR_TRY(check_platform_table(out.platform));

  data::MatchRequest match;
  match.party_path = ctx_.data_dir + "/" + out.source.path;
  match.platform_path = ctx_.data_dir + "/" + out.platform.path;
  CR_TRY(ensure_local(ctx_, {match.party_path, match.platform_path}));
  for (const auto& c : out.source.columns) {
    if (c.pii.empty() || c.pii == data::kResolvedIdentity) continue;
    auto type = data::pii_type_from_name(c.pii);
    if (!type) return Error::internal("column " + c.name + " has unknown identity type " + c.pii);
    match.party_identity[c.name] = *type;
  }
  match.target_dir = ctx_.data_dir + "/" + dataset_dir(caller, into_database, into_table);
  match.engine = dataset_engine_options(ctx_);
  // The join runs outside any transaction: nothing is locked while the data is read.
  CR_ASSIGN(data::MatchResult matched, data::match_identities(match));

  StagedVersion version;
  for (const auto& c : matched.columns) version.columns.push_back({c.name, c.type, c.pii});
  version.rows = matched.stats.rows;
  version.bytes = matched.bytes;
  CR_ASSIGN(out.output,
            commit_dataset_version(ctx_, caller, into_database, into_table, version, matched.file));
  out.stats = matched.stats;
  return out;
}

nlohmann::json resolution_json(const Resolution& r) {
  const auto& s = r.stats;
  return {{"sourceTable", r.source.database_name + "." + r.source.table_name},
          {"sourceVersion", r.source.version},
          {"platformTable", r.platform.database_name + "." + r.platform.table_name},
          {"platformVersion", r.platform.version},
          {"rows", s.rows},
          {"matched", s.matched()},
          {"unmatched", s.unmatched},
          {"matchRate", s.match_rate()},
          {"matchedByRule",
           {{data::match_rule_name(data::MatchRule::Email), s.by_email},
            {data::match_rule_name(data::MatchRule::Phone), s.by_phone},
            {data::match_rule_name(data::MatchRule::NamePostal), s.by_name_postal}}},
          {"dataset", dataset_json(r.output)}};
}

}  // namespace cleanroom::core
