#include "core/id_mappings.h"

#include <spdlog/spdlog.h>
#include <strings.h>

#include <algorithm>
#include <filesystem>
#include <regex>
#include <set>

#include "catalog/configured_tables_repo.h"
#include "catalog/datasets_repo.h"
#include "common/arn.h"
#include "common/clock.h"
#include "common/crypto.h"
#include "core/dataset_files.h"
#include "core/datasets.h"
#include "core/memberships.h"
#include "data/identity_matching.h"

namespace cleanroom::core {
namespace repo = catalog::id_mappings_repo;
namespace collab_repo = catalog::collaborations_repo;
namespace fs = std::filesystem;
using catalog::CollaborationRecord;
using catalog::IdMappingTableRecord;
using catalog::IdNamespaceAssociationRecord;
using catalog::MembershipRecord;
using catalog::Tx;

namespace {

constexpr const char* kSource = "SOURCE";
constexpr const char* kTarget = "TARGET";
constexpr const char* kNamespaceField = "inputReferenceConfig.inputReferenceArn";

// The identity types the matching rules compare (data/identity_matching.h).
bool matching_type(const std::string& pii) {
  return pii == "email" || pii == "phone" || pii == "first_name" || pii == "last_name" ||
         pii == "postal_code";
}

// One and the same answer for another account's namespace, whether or not it exists, and for one
// of the caller's that does not: nothing is learnt about other accounts' tables.
Error not_your_namespace(const std::string& caller) {
  return Error::access_denied(
      std::string(kNamespaceField) + " names no ID namespace of account " + caller +
      ": an ID namespace is arn:aws:entityresolution:us-east-1:" + caller +
      ":idnamespace/{source|target}-<configured table id>, naming one of your configured tables");
}

struct NamespaceReference {
  std::string type;  // SOURCE or TARGET
  std::string configured_table_id;
};

Result<NamespaceReference> parse_namespace_arn(const std::string& caller, const std::string& arn) {
  static const std::regex form(
      "arn:aws:entityresolution:([^:]*):([0-9]{12}):idnamespace/(source|target)-([0-9a-f-]{36})");
  std::smatch m;
  if (!std::regex_match(arn, m, form))
    return Error::validation(
        std::string(kNamespaceField) +
            " must be arn:aws:entityresolution:us-east-1:<account>:idnamespace/{source|target}-"
            "<configured table id>: cleanroom's ID namespaces are members' configured tables",
        kNamespaceField);
  if (m[1] != kRegion)
    return Error::validation(std::string(kNamespaceField) + " must be in region us-east-1",
                             kNamespaceField);
  if (m[2] != caller) return not_your_namespace(caller);
  return NamespaceReference{m[3] == "source" ? kSource : kTarget, m[4]};
}

// What matching reads from a namespace's configured table: its dataset, the one allowed column
// that is not an identity (the id the mapping holds) and the identity columns the rules compare.
struct IdentityTable {
  catalog::DatasetRecord dataset;
  std::string id_column;
  std::string id_type;
  std::map<std::string, data::PiiType> identity;
};

Result<IdentityTable> identity_table(Tx& tx, const std::string& caller,
                                     const std::string& configured_table_id) {
  CR_ASSIGN(auto t, catalog::configured_tables_repo::find(tx, configured_table_id));
  if (!t || t->account_id != caller) return not_your_namespace(caller);
  CR_ASSIGN(auto ds, catalog::datasets_repo::find(tx, caller, t->database_name, t->table_name));
  if (!ds)
    return Error::invalid_configuration(
        "the dataset of configured table " + t->id + " no longer exists", kNamespaceField);
  IdentityTable out{*ds, {}, {}, {}};
  std::vector<std::string> ids;
  for (const auto& c : ds->columns) {
    if (std::find(t->allowed_columns.begin(), t->allowed_columns.end(), c.name) ==
        t->allowed_columns.end())
      continue;
    if (matching_type(c.pii)) {
      out.identity[c.name] = *data::pii_type_from_name(c.pii);
    } else if (c.pii.empty() || c.pii == data::kResolvedIdentity) {
      ids.push_back(c.name);
      out.id_type = c.type;
    }
  }
  if (ids.size() != 1)
    return Error::invalid_configuration(
        "configured table " + t->id + " must allow exactly one column that is not an identity " +
            "column (the id the mapping holds); it allows " + std::to_string(ids.size()),
        kNamespaceField);
  out.id_column = ids[0];
  std::set<data::PiiType> types;
  for (const auto& [name, type] : out.identity)
    if (!types.insert(type).second)
      return Error::invalid_configuration("configured table " + t->id +
                                              " allows two identity columns of type " +
                                              data::pii_type_name(type),
                                          kNamespaceField);
  bool usable = types.count(data::PiiType::Email) || types.count(data::PiiType::Phone) ||
                (types.count(data::PiiType::FirstName) && types.count(data::PiiType::LastName) &&
                 types.count(data::PiiType::PostalCode));
  if (!usable)
    return Error::invalid_configuration(
        "configured table " + t->id +
            " allows nothing to match on: an identity column of type email or phone, or "
            "first_name, last_name and postal_code together",
        kNamespaceField);
  return out;
}

Result<IdNamespaceAssociationRecord> namespace_in_membership(Tx& tx, const MembershipRecord& ms,
                                                             const std::string& id) {
  CR_ASSIGN(auto a, repo::find_namespace(tx, id));
  if (!a || a->membership_id != ms.id)
    return Error::not_found(Resource::IdNamespaceAssociation, id);
  return *a;
}

Result<IdNamespaceAssociationRecord> namespace_in_collaboration(Tx& tx,
                                                                const std::string& collaboration_id,
                                                                const std::string& id) {
  CR_ASSIGN(auto a, repo::find_namespace(tx, id));
  if (!a || a->collaboration_id != collaboration_id)
    return Error::not_found(Resource::IdNamespaceAssociation, id);
  return *a;
}

Result<IdMappingTableRecord> table_in_membership(Tx& tx, const MembershipRecord& ms,
                                                 const std::string& id) {
  CR_ASSIGN(auto t, repo::find_table(tx, id));
  if (!t || t->membership_id != ms.id) return Error::not_found(Resource::IdMappingTable, id);
  return *t;
}

Result<CollaborationRecord> collaboration_of(Tx& tx, const std::string& id) {
  CR_ASSIGN(auto c, collab_repo::find_including_deleted(tx, id));
  if (!c) return Error::not_found(Resource::Collaboration, id);
  return *c;
}

Result<bool> membership_active(Tx& tx, const std::string& membership_id) {
  CR_ASSIGN(auto ms, collab_repo::find_membership(tx, membership_id));
  return ms && ms->status == MembershipStatus::Active;
}

// The workflow of an ID mapping table: the caller's own, naming the SOURCE and TARGET namespace
// associations it maps.
struct WorkflowReference {
  std::string source;
  std::string target;
};

Result<WorkflowReference> parse_workflow_arn(const std::string& caller, const std::string& arn) {
  static const std::regex form(
      "arn:aws:entityresolution:([^:]*):([0-9]{12}):idmappingworkflow/([0-9a-f-]{36})/"
      "([0-9a-f-]{36})");
  const std::string field = "inputReferenceConfig.inputReferenceArn";
  std::smatch m;
  if (!std::regex_match(arn, m, form))
    return Error::validation(
        field +
            " must be arn:aws:entityresolution:us-east-1:<your account>:idmappingworkflow/"
            "<SOURCE ID namespace association id>/<TARGET ID namespace association id>",
        field);
  if (m[1] != kRegion) return Error::validation(field + " must be in region us-east-1", field);
  if (m[2] != caller)
    return Error::access_denied(field + " names no ID mapping workflow of account " + caller +
                                ": a workflow is always the caller's own");
  return WorkflowReference{m[3], m[4]};
}

bool same_sql_name(const std::string& a, const std::string& b) {
  return strcasecmp(a.c_str(), b.c_str()) == 0;
}

std::string mapping_dir(const IdMappingTableRecord& t) {
  return "idmappings/" + t.collaboration_id + "/" + t.id;
}

// A mapping file no row names any more, here and in the store; what cannot be removed now stays
// unread (no row names it) and is logged.
void remove_mapping_file(const Context& ctx, const std::string& path) {
  if (path.empty()) return;
  if (Status s = remove_files(ctx, path); !s.ok())
    spdlog::warn("cannot remove ID mapping file {}: {}", path, s.error().message);
}

}  // namespace

namespace {

// The collaboration's ID mapping tables whose two namespaces' members are ACTIVE, populated or not.
Result<std::vector<QueryableMapping>> visible_mappings(Tx& tx,
                                                       const std::string& collaboration_id) {
  CR_ASSIGN(auto tables, repo::tables_of_collaboration(tx, collaboration_id, "", 1000));
  std::vector<QueryableMapping> out;
  for (const auto& t : tables) {
    CR_ASSIGN(auto source, repo::find_namespace(tx, t.source_association_id));
    CR_ASSIGN(auto target, repo::find_namespace(tx, t.target_association_id));
    if (!source || !target) continue;
    CR_ASSIGN(bool source_active, membership_active(tx, source->membership_id));
    CR_ASSIGN(bool target_active, membership_active(tx, target->membership_id));
    if (!source_active || !target_active) continue;
    out.push_back({t, source->account_id, target->account_id});
  }
  return out;
}

}  // namespace

Result<std::vector<QueryableMapping>> queryable_mappings(Tx& tx,
                                                         const std::string& collaboration_id) {
  CR_ASSIGN(auto visible, visible_mappings(tx, collaboration_id));
  std::vector<QueryableMapping> out;
  for (auto& m : visible)
    if (!m.table.mapping_path.empty()) out.push_back(std::move(m));
  return out;
}

Result<IdNamespaceAssociationView> IdMappingService::create_namespace_association(
    const std::string& caller, const CreateIdNamespaceAssociationRequest& req) {
  if (req.allow_use_as_dimension_column.value_or(false))
    return Error::invalid_configuration(
        "idMappingConfig.allowUseAsDimensionColumn cannot be true: the ids of an ID mapping table "
        "are VERY_HIGH and never output",
        "idMappingConfig.allowUseAsDimensionColumn");
  CR_ASSIGN(auto ref, parse_namespace_arn(caller, req.input_reference_arn));
  return ctx_.db.write<IdNamespaceAssociationView>(
      [&](Tx& tx) -> Result<IdNamespaceAssociationView> {
        CR_ASSIGN(auto ms, own_membership(tx, caller, req.membership_id));
        CR_TRY(check_active_membership(ms, "ID namespaces are associated"));
        CR_ASSIGN(auto c, find_collaboration(tx, ms.collaboration_id));
        CR_TRY(status_of(identity_table(tx, caller, ref.configured_table_id)));
        CR_ASSIGN(auto existing, repo::namespaces_of_membership(tx, ms.id, "", 1000));
        for (const auto& e : existing)
          if (e.input_reference_arn == req.input_reference_arn)
            return Error::conflict("ID namespace " + req.input_reference_arn +
                                       " is already associated with membership " + ms.id,
                                   Cause::AlreadyExists, Resource::IdNamespaceAssociation, e.id);
        int64_t now = now_epoch_seconds();
        IdNamespaceAssociationRecord a;
        a.id = crypto::uuid4();
        a.arn = cleanrooms_arn(caller, "membership/" + ms.id + "/idnamespaceassociation/" + a.id);
        a.collaboration_id = c.id;
        a.membership_id = ms.id;
        a.account_id = caller;
        a.name = req.name;
        a.description = req.description;
        a.input_reference_arn = req.input_reference_arn;
        a.manage_resource_policies = req.manage_resource_policies;
        a.namespace_type = ref.type;
        a.configured_table_id = ref.configured_table_id;
        a.allow_use_as_dimension_column = req.allow_use_as_dimension_column;
        a.created_at = now;
        a.updated_at = now;
        CR_TRY(repo::insert_namespace(tx, a));
        CR_TRY(tag_new_resource(tx, a.id, req.tags));
        return IdNamespaceAssociationView{a, c};
      });
}

Result<IdNamespaceAssociationView> IdMappingService::get_namespace_association(
    const std::string& caller, const std::string& membership_id, const std::string& id) {
  return ctx_.db.read<IdNamespaceAssociationView>(
      [&](Tx& tx) -> Result<IdNamespaceAssociationView> {
        CR_ASSIGN(auto ms, own_membership(tx, caller, membership_id));
        CR_ASSIGN(auto a, namespace_in_membership(tx, ms, id));
        CR_ASSIGN(auto c, collaboration_of(tx, a.collaboration_id));
        return IdNamespaceAssociationView{a, c};
      });
}

Result<std::pair<std::vector<IdNamespaceAssociationView>, std::string>>
IdMappingService::list_namespace_associations(const std::string& caller,
                                              const std::string& membership_id, const Page& page) {
  using Out = std::pair<std::vector<IdNamespaceAssociationView>, std::string>;
  return ctx_.db.read<Out>([&](Tx& tx) -> Result<Out> {
    CR_ASSIGN(auto ms, own_membership(tx, caller, membership_id));
    CR_ASSIGN(auto c, collaboration_of(tx, ms.collaboration_id));
    int limit = page.size();
    CR_ASSIGN(auto rows, repo::namespaces_of_membership(tx, ms.id, page.next_token, limit + 1));
    Out out;
    for (size_t i = 0; i < rows.size() && static_cast<int>(i) < limit; ++i)
      out.first.push_back({rows[i], c});
    if (static_cast<int>(rows.size()) > limit) out.second = out.first.back().association.id;
    return out;
  });
}

Result<IdNamespaceAssociationView> IdMappingService::update_namespace_association(
    const std::string& caller, const std::string& membership_id, const std::string& id,
    const UpdateIdNamespaceAssociationRequest& req) {
  if (req.allow_use_as_dimension_column.value_or(false))
    return Error::invalid_configuration(
        "idMappingConfig.allowUseAsDimensionColumn cannot be true: the ids of an ID mapping table "
        "are VERY_HIGH and never output",
        "idMappingConfig.allowUseAsDimensionColumn");
  return ctx_.db.write<IdNamespaceAssociationView>(
      [&](Tx& tx) -> Result<IdNamespaceAssociationView> {
        CR_ASSIGN(auto ms, own_membership(tx, caller, membership_id));
        CR_TRY(check_active_membership(ms, "ID namespace associations are changed"));
        CR_ASSIGN(auto a, namespace_in_membership(tx, ms, id));
        CR_ASSIGN(auto c, find_collaboration(tx, a.collaboration_id));
        if (req.name) a.name = *req.name;
        if (req.description) a.description = *req.description;
        if (req.allow_use_as_dimension_column)
          a.allow_use_as_dimension_column = req.allow_use_as_dimension_column;
        a.updated_at = now_epoch_seconds();
        CR_TRY(repo::update_namespace(tx, a));
        return IdNamespaceAssociationView{a, c};
      });
}

Status IdMappingService::remove_namespace_association(const std::string& caller,
                                                      const std::string& membership_id,
                                                      const std::string& id) {
  return status_of(ctx_.db.write<bool>([&](Tx& tx) -> Result<bool> {
    CR_ASSIGN(auto ms, own_membership(tx, caller, membership_id));
    CR_ASSIGN(auto a, namespace_in_membership(tx, ms, id));
    CR_ASSIGN(auto users, repo::tables_using_namespace(tx, a.id));
    if (!users.empty())
      return Error::conflict("ID namespace association " + a.id + " is used by ID mapping table " +
                                 users.front().id + "; delete the ID mapping table first",
                             Cause::InUse, Resource::IdNamespaceAssociation, a.id);
    CR_TRY(repo::remove_namespace(tx, a.id));
    return true;
  }));
}

Result<IdNamespaceAssociationView> IdMappingService::get_collaboration_namespace_association(
    const std::string& caller, const std::string& collaboration_id, const std::string& id) {
  return ctx_.db.read<IdNamespaceAssociationView>(
      [&](Tx& tx) -> Result<IdNamespaceAssociationView> {
        CR_ASSIGN(auto c, readable_collaboration(tx, caller, collaboration_id));
        CR_ASSIGN(auto a, namespace_in_collaboration(tx, c.id, id));
        return IdNamespaceAssociationView{a, c};
      });
}

Result<std::pair<std::vector<IdNamespaceAssociationView>, std::string>>
IdMappingService::list_collaboration_namespace_associations(const std::string& caller,
                                                            const std::string& collaboration_id,
                                                            const Page& page) {
  using Out = std::pair<std::vector<IdNamespaceAssociationView>, std::string>;
  return ctx_.db.read<Out>([&](Tx& tx) -> Result<Out> {
    CR_ASSIGN(auto c, readable_collaboration(tx, caller, collaboration_id));
    int limit = page.size();
    CR_ASSIGN(auto rows, repo::namespaces_of_collaboration(tx, c.id, page.next_token, limit + 1));
    Out out;
    for (size_t i = 0; i < rows.size() && static_cast<int>(i) < limit; ++i)
      out.first.push_back({rows[i], c});
    if (static_cast<int>(rows.size()) > limit) out.second = out.first.back().association.id;
    return out;
  });
}

Result<IdMappingTableView> IdMappingService::create_table(const std::string& caller,
                                                          const CreateIdMappingTableRequest& req) {
  CR_ASSIGN(auto ref, parse_workflow_arn(caller, req.input_reference_arn));
  return ctx_.db.write<IdMappingTableView>([&](Tx& tx) -> Result<IdMappingTableView> {
    CR_ASSIGN(auto ms, own_membership(tx, caller, req.membership_id));
    CR_TRY(check_active_membership(ms, "ID mapping tables are created"));
    CR_ASSIGN(auto c, find_collaboration(tx, ms.collaboration_id));
    CR_ASSIGN(auto source, namespace_in_collaboration(tx, c.id, ref.source));
    CR_ASSIGN(auto target, namespace_in_collaboration(tx, c.id, ref.target));
    const std::string field = "inputReferenceConfig.inputReferenceArn";
    if (source.namespace_type != kSource || target.namespace_type != kTarget)
      return Error::invalid_configuration(
          "an ID mapping workflow maps a SOURCE ID namespace association to a TARGET one; " +
              source.id + " is " + source.namespace_type + " and " + target.id + " is " +
              target.namespace_type,
          field);
    if (source.account_id == target.account_id)
      return Error::invalid_configuration(
          "the SOURCE and TARGET ID namespace associations must belong to two different members",
          field);
    if (caller != source.account_id && caller != target.account_id)
      return Error::access_denied(
          "only the member of the SOURCE or of the TARGET ID namespace association may map them");
    // Its name is a table name in the collaboration's SQL, beside the associations' names.
    CR_ASSIGN(auto same_name,
              catalog::configured_tables_repo::find_active_association_by_name(tx, c.id, req.name));
    CR_ASSIGN(auto tables, repo::tables_of_collaboration(tx, c.id, "", 1000));
    bool taken = same_name.has_value();
    for (const auto& t : tables) taken = taken || same_sql_name(t.name, req.name);
    if (taken)
      return Error::conflict("collaboration " + c.id + " already has a table named '" + req.name +
                                 "'; a table's name is its name in SQL",
                             Cause::AlreadyExists, Resource::IdMappingTable);
    int64_t now = now_epoch_seconds();
    IdMappingTableRecord t;
    t.id = crypto::uuid4();
    t.arn = cleanrooms_arn(caller, "membership/" + ms.id + "/idmappingtable/" + t.id);
    t.collaboration_id = c.id;
    t.membership_id = ms.id;
    t.account_id = caller;
    t.name = req.name;
    t.description = req.description;
    t.input_reference_arn = req.input_reference_arn;
    t.manage_resource_policies = req.manage_resource_policies;
    t.source_association_id = source.id;
    t.target_association_id = target.id;
    t.kms_key_arn = req.kms_key_arn;
    t.created_at = now;
    t.updated_at = now;
    CR_TRY(repo::insert_table(tx, t));
    CR_TRY(tag_new_resource(tx, t.id, req.tags));
    return IdMappingTableView{t, c};
  });
}

Result<IdMappingTableView> IdMappingService::get_table(const std::string& caller,
                                                       const std::string& membership_id,
                                                       const std::string& id) {
  return ctx_.db.read<IdMappingTableView>([&](Tx& tx) -> Result<IdMappingTableView> {
    CR_ASSIGN(auto ms, own_membership(tx, caller, membership_id));
    CR_ASSIGN(auto t, table_in_membership(tx, ms, id));
    CR_ASSIGN(auto c, collaboration_of(tx, t.collaboration_id));
    return IdMappingTableView{t, c};
  });
}

Result<std::pair<std::vector<IdMappingTableView>, std::string>> IdMappingService::list_tables(
    const std::string& caller, const std::string& membership_id, const Page& page) {
  using Out = std::pair<std::vector<IdMappingTableView>, std::string>;
  return ctx_.db.read<Out>([&](Tx& tx) -> Result<Out> {
    CR_ASSIGN(auto ms, own_membership(tx, caller, membership_id));
    CR_ASSIGN(auto c, collaboration_of(tx, ms.collaboration_id));
    int limit = page.size();
    CR_ASSIGN(auto rows, repo::tables_of_membership(tx, ms.id, page.next_token, limit + 1));
    Out out;
    for (size_t i = 0; i < rows.size() && static_cast<int>(i) < limit; ++i)
      out.first.push_back({rows[i], c});
    if (static_cast<int>(rows.size()) > limit) out.second = out.first.back().table.id;
    return out;
  });
}

Result<IdMappingTableView> IdMappingService::update_table(const std::string& caller,
                                                          const std::string& membership_id,
                                                          const std::string& id,
                                                          const UpdateIdMappingTableRequest& req) {
  return ctx_.db.write<IdMappingTableView>([&](Tx& tx) -> Result<IdMappingTableView> {
    CR_ASSIGN(auto ms, own_membership(tx, caller, membership_id));
    CR_TRY(check_active_membership(ms, "ID mapping tables are changed"));
    CR_ASSIGN(auto t, table_in_membership(tx, ms, id));
    CR_ASSIGN(auto c, find_collaboration(tx, t.collaboration_id));
    if (req.description) t.description = *req.description;
    if (req.kms_key_arn) t.kms_key_arn = *req.kms_key_arn;
    t.updated_at = now_epoch_seconds();
    CR_TRY(repo::update_table(tx, t));
    return IdMappingTableView{t, c};
  });
}

Status IdMappingService::remove_table(const std::string& caller, const std::string& membership_id,
                                      const std::string& id) {
  std::string path;
  CR_TRY(status_of(ctx_.db.write<bool>([&](Tx& tx) -> Result<bool> {
    CR_ASSIGN(auto ms, own_membership(tx, caller, membership_id));
    CR_ASSIGN(auto t, table_in_membership(tx, ms, id));
    path = t.mapping_path;
    CR_TRY(repo::remove_table(tx, t.id));
    return true;
  })));
  remove_mapping_file(ctx_, path);
  return {};
}

Result<std::string> IdMappingService::populate(const std::string& caller,
                                               const std::string& membership_id,
                                               const std::string& id, const std::string& job_type) {
  if (job_type != "BATCH")
    return Error::validation(
        "jobType " + job_type + " is not served; cleanroom populates a mapping as a whole (BATCH)",
        "jobType");
  // Read what to match in one transaction; match outside any (nothing is locked while the data
  // is read); publish the new mapping in a second.
  IdMappingTableRecord table;
  IdentityTable source, target;
  CR_TRY(status_of(ctx_.db.read<bool>([&](Tx& tx) -> Result<bool> {
    CR_ASSIGN(auto ms, own_membership(tx, caller, membership_id));
    CR_TRY(check_active_membership(ms, "ID mapping tables are populated"));
    CR_ASSIGN(table, table_in_membership(tx, ms, id));
    CR_ASSIGN(auto s, repo::find_namespace(tx, table.source_association_id));
    CR_ASSIGN(auto t, repo::find_namespace(tx, table.target_association_id));
    if (!s || !t) return Error::internal("ID mapping table " + id + " lost a namespace");
    for (const auto* a : {&*s, &*t}) {
      CR_ASSIGN(bool active, membership_active(tx, a->membership_id));
      if (!active)
        return Error::conflict("the member of " + a->namespace_type + " ID namespace association " +
                                   a->id + " is no longer active; the mapping cannot be populated",
                               Cause::InvalidState, Resource::IdMappingTable, id);
    }
    // Another member's table: whatever is wrong with it, the caller learns only that it is.
    for (const auto* a : {&*s, &*t}) {
      auto read = identity_table(tx, a->account_id, a->configured_table_id);
      if (!read.ok() && a->account_id != caller)
        return Error::invalid_configuration("the " + a->namespace_type +
                                            " ID namespace association " + a->id +
                                            " can no longer be matched; its owner must correct "
                                            "its configured table");
      CR_TRY(status_of(read));
      (a == &*s ? source : target) = std::move(*read);
    }
    return true;
  })));

  const std::string job_id = crypto::uuid4();
  const std::string dir = mapping_dir(table);
  data::MatchRequest match;
  CR_TRY(ensure_local(ctx_, {ctx_.data_dir + "/" + source.dataset.path,
                             ctx_.data_dir + "/" + target.dataset.path}));
  match.party_path = ctx_.data_dir + "/" + source.dataset.path;
  match.party_identity = source.identity;
  match.platform_path = ctx_.data_dir + "/" + target.dataset.path;
  match.target_dir = ctx_.data_dir + "/" + dir;
  match.engine = dataset_engine_options(ctx_);
  match.mapping =
      data::MatchRequest::MappingTarget{source.id_column, target.id_column, target.identity};
  auto matched = data::match_identities(match);
  // The engine's words could describe either member's rows: a fixed message instead.
  if (!matched.ok())
    return Error::internal("populating ID mapping table " + id + " failed; nothing was changed");

  const std::string path = dir + "/" + job_id + ".parquet";  // never used before
  CR_TRY(store_file(ctx_, matched->file.path(), path));
  CR_TRY(matched->file.publish(ctx_.data_dir + "/" + path));
  std::string replaced;
  auto published = ctx_.db.write<bool>([&](Tx& tx) -> Result<bool> {
    CR_ASSIGN(auto current, repo::find_table(tx, id));
    if (!current) return Error::not_found(Resource::IdMappingTable, id);
    replaced = current->mapping_path;
    current->mapping_path = path;
    current->source_id_type = source.id_type;
    current->target_id_type = target.id_type;
    current->last_job_id = job_id;
    current->populated_at = now_epoch_seconds();
    current->updated_at = current->populated_at;
    CR_TRY(repo::update_table(tx, *current));
    return true;
  });
  if (!published.ok()) {
    remove_mapping_file(ctx_, path);
    return published.error();
  }
  remove_mapping_file(ctx_, replaced);
  return job_id;
}

Result<std::pair<std::vector<IdMappingTableView>, std::string>> IdMappingService::list_schemas(
    const std::string& caller, const std::string& collaboration_id, const Page& page) {
  using Out = std::pair<std::vector<IdMappingTableView>, std::string>;
  return ctx_.db.read<Out>([&](Tx& tx) -> Result<Out> {
    CR_ASSIGN(auto c, readable_collaboration(tx, caller, collaboration_id));
    CR_ASSIGN(auto all, visible_mappings(tx, c.id));
    int limit = page.size();
    Out out;
    for (const auto& m : all) {
      if (m.table.id <= page.next_token) continue;
      if (static_cast<int>(out.first.size()) == limit) {
        out.second = out.first.back().table.id;
        break;
      }
      out.first.push_back({m.table, c});
    }
    return out;
  });
}

Result<IdMappingTableView> IdMappingService::get_schema(const std::string& caller,
                                                        const std::string& collaboration_id,
                                                        const std::string& name) {
  return ctx_.db.read<IdMappingTableView>([&](Tx& tx) -> Result<IdMappingTableView> {
    CR_ASSIGN(auto c, readable_collaboration(tx, caller, collaboration_id));
    CR_ASSIGN(auto all, visible_mappings(tx, c.id));
    for (const auto& m : all)
      if (same_sql_name(m.table.name, name)) return IdMappingTableView{m.table, c};
    return Error::not_found(Resource::IdMappingTable, name);
  });
}

}  // namespace cleanroom::core
