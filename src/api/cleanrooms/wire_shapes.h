#pragma once
// Output shapes of the service model (Collaboration, MemberSummary, Membership, ...).
#include <nlohmann/json.hpp>
#include <optional>

#include "catalog/configured_tables_repo.h"
#include "core/collaborations.h"
#include "core/memberships.h"

namespace cleanroom::api::cleanrooms {

std::string collaboration_arn(const catalog::CollaborationRecord& c);
std::string membership_arn(const std::string& account_id, const std::string& membership_id);
std::string association_arn(const std::string& account_id, const std::string& membership_id,
                            const std::string& association_id);
std::string configured_table_arn(const std::string& account_id,
                                 const std::string& configured_table_id);

// (Membership)PaymentConfiguration: only query compute is paid for here. Null in: not given.
nlohmann::json payment_json(bool pays_for_queries);
std::optional<bool> pays_for_queries_of(const nlohmann::json& payment);

nlohmann::json collaboration_json(const core::CollaborationView& v);
nlohmann::json collaboration_summary_json(const core::CollaborationView& v);
nlohmann::json member_summary_json(const core::MemberView& v);
nlohmann::json membership_json(const core::MembershipView& v);
nlohmann::json membership_summary_json(const core::MembershipView& v);
// `analysisRuleTypes` of a configured table or schema: its one rule's type, or none.
nlohmann::json analysis_rule_types(const std::optional<catalog::AnalysisRuleRecord>& rule);

}  // namespace cleanroom::api::cleanrooms
