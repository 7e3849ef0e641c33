#include "api/cleanrooms/wire_shapes.h"

#include "api/cleanrooms/destination_json.h"
#include "common/arn.h"

namespace cleanroom::api::cleanrooms {
using nlohmann::json;

std::string collaboration_arn(const catalog::CollaborationRecord& c) {
  return cleanrooms_arn(c.creator_account_id, "collaboration/" + c.id);
}
std::string membership_arn(const std::string& account_id, const std::string& membership_id) {
  return cleanrooms_arn(account_id, "membership/" + membership_id);
}
std::string association_arn(const std::string& account_id, const std::string& membership_id,
                            const std::string& association_id) {
  return cleanrooms_arn(account_id,
                        "configuredtableassociation/" + membership_id + "/" + association_id);
}
std::string configured_table_arn(const std::string& account_id,
                                 const std::string& configured_table_id) {
  return cleanrooms_arn(account_id, "configuredtable/" + configured_table_id);
}

namespace {

std::string membership_arn(const catalog::MembershipRecord& m) {
  return cleanrooms::membership_arn(m.account_id, m.id);
}

}  // namespace

json payment_json(bool pays_for_queries) {
  return {{"queryCompute", {{"isResponsible", pays_for_queries}}}};
}

std::optional<bool> pays_for_queries_of(const json& payment) {
  if (!payment.is_object()) return std::nullopt;
  return payment.value("/queryCompute/isResponsible"_json_pointer, false);
}

json collaboration_summary_json(const core::CollaborationView& v) {
  const auto& c = v.collaboration;
  json out = {{"id", c.id},
              {"arn", collaboration_arn(c)},
              {"name", c.name},
              {"creatorAccountId", c.creator_account_id},
              {"creatorDisplayName", c.creator_display_name},
              {"createTime", c.created_at},
              {"updateTime", c.updated_at},
              {"memberStatus", wire_name(v.member_status)}};
  if (v.membership) {
    out["membershipId"] = v.membership->id;
    out["membershipArn"] = membership_arn(*v.membership);
  }
  if (!c.analytics_engine.empty()) out["analyticsEngine"] = c.analytics_engine;
  return out;
}

json collaboration_json(const core::CollaborationView& v) {
  json out = collaboration_summary_json(v);
  const auto& c = v.collaboration;
  out["description"] = c.description;
  out["queryLogStatus"] = c.query_log_status;
  if (!c.data_encryption_metadata.is_null())
    out["dataEncryptionMetadata"] = c.data_encryption_metadata;
  if (!c.auto_approved_change_types.empty())
    out["autoApprovedChangeTypes"] = c.auto_approved_change_types;
  return out;
}

json member_summary_json(const core::MemberView& v) {
  const auto& m = v.member;
  json out = {{"accountId", m.account_id},
              {"status", wire_name(m.status)},
              {"displayName", m.display_name},
              {"abilities", wire_names(m.abilities)},
              {"createTime", m.created_at},
              {"updateTime", m.updated_at},
              {"paymentConfiguration", payment_json(core::pays_for_queries(m))}};
  if (v.membership) {
    out["membershipId"] = v.membership->id;
    out["membershipArn"] = membership_arn(*v.membership);
  }
  return out;
}

json membership_summary_json(const core::MembershipView& v) {
  const auto& ms = v.membership;
  json out = {{"id", ms.id},
              {"arn", membership_arn(ms)},
              {"collaborationArn", collaboration_arn(v.collaboration)},
              {"collaborationId", ms.collaboration_id},
              {"collaborationCreatorAccountId", v.collaboration.creator_account_id},
              {"collaborationCreatorDisplayName", v.collaboration.creator_display_name},
              {"collaborationName", v.collaboration.name},
              {"createTime", ms.created_at},
              {"updateTime", ms.updated_at},
              {"status", wire_name(ms.status)},
              {"memberAbilities", wire_names(v.member.abilities)},
              {"paymentConfiguration",
               payment_json(ms.pays_for_queries.value_or(core::pays_for_queries(v.member)))}};
  return out;
}

json membership_json(const core::MembershipView& v) {
  json out = membership_summary_json(v);
  out["queryLogStatus"] = v.membership.query_log_status;
  if (v.membership.default_destination)
    out["defaultResultConfiguration"] =
        membership_destination_json(*v.membership.default_destination);
  return out;
}

json analysis_rule_types(const std::optional<catalog::AnalysisRuleRecord>& rule) {
  json out = json::array();
  if (rule) out.push_back(rule->type);
  return out;
}

}  // namespace cleanroom::api::cleanrooms
