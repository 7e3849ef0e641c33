#include "common/states.h"

namespace cleanroom {
namespace {

template <typename E>
using Names = std::pair<E, std::string_view>;

// botocore's cleanrooms service model: ProtectedQueryStatus.
constexpr Names<QueryStatus> kQueryStatusNames[] = {
    {QueryStatus::Submitted, "SUBMITTED"},   {QueryStatus::Started, "STARTED"},
    {QueryStatus::Cancelling, "CANCELLING"}, {QueryStatus::Cancelled, "CANCELLED"},
    {QueryStatus::Failed, "FAILED"},         {QueryStatus::Success, "SUCCESS"},
    {QueryStatus::TimedOut, "TIMED_OUT"},
};

// MemberStatus.
constexpr Names<MemberStatus> kMemberStatusNames[] = {
    {MemberStatus::Invited, "INVITED"},
    {MemberStatus::Active, "ACTIVE"},
    {MemberStatus::Left, "LEFT"},
    {MemberStatus::Removed, "REMOVED"},
};

// MembershipStatus.
constexpr Names<MembershipStatus> kMembershipStatusNames[] = {
    {MembershipStatus::Active, "ACTIVE"},
    {MembershipStatus::Removed, "REMOVED"},
    {MembershipStatus::CollaborationDeleted, "COLLABORATION_DELETED"},
};

// MemberAbility.
constexpr Names<MemberAbility> kMemberAbilityNames[] = {
    {MemberAbility::CanQuery, "CAN_QUERY"},
    {MemberAbility::CanReceiveResults, "CAN_RECEIVE_RESULTS"},
    {MemberAbility::CanRunJob, "CAN_RUN_JOB"},
};

// ResultFormat.
constexpr Names<ResultFormat> kResultFormatNames[] = {
    {ResultFormat::Csv, "CSV"},
    {ResultFormat::Parquet, "PARQUET"},
};

// docs/amc-api.md: creationStatus.
constexpr Names<InstanceStatus> kInstanceStatusNames[] = {
    {InstanceStatus::Requested, "REQUESTED"},
    {InstanceStatus::Active, "ACTIVE"},
};

// docs/amc-api.md: acrCollaboration.status, as the AMC console words it.
constexpr Names<CollaborationStatus> kCollaborationStatusNames[] = {
    {CollaborationStatus::Invited, "Invited"}, {CollaborationStatus::Active, "Active"},
    {CollaborationStatus::Left, "Left"},       {CollaborationStatus::Removed, "Removed"},
    {CollaborationStatus::Deleted, "Deleted"},
};

// docs/amc-api.md: a workflow execution's status.
constexpr Names<ExecutionStatus> kExecutionStatusNames[] = {
    {ExecutionStatus::Pending, "PENDING"},     {ExecutionStatus::Running, "RUNNING"},
    {ExecutionStatus::Succeeded, "SUCCEEDED"}, {ExecutionStatus::Failed, "FAILED"},
    {ExecutionStatus::Cancelled, "CANCELLED"},
};

// docs/amc-api.md and docs/datasets.md: an upload's status, spelled as an execution's.
constexpr Names<UploadStatus> kUploadStatusNames[] = {
    {UploadStatus::Pending, "PENDING"},     {UploadStatus::Running, "RUNNING"},
    {UploadStatus::Succeeded, "SUCCEEDED"}, {UploadStatus::Failed, "FAILED"},
    {UploadStatus::Cancelled, "CANCELLED"},
};

constexpr Names<DataFormat> kDataFormatNames[] = {
    {DataFormat::Csv, "CSV"},
    {DataFormat::Json, "JSON"},
    {DataFormat::Parquet, "PARQUET"},
};

// docs/amc-api.md: an invitation is PENDING, then ACCEPTED. The store also allows REVOKED,
// which nothing sets yet.
constexpr Names<InvitationStatus> kInvitationStatusNames[] = {
    {InvitationStatus::Pending, "PENDING"},
    {InvitationStatus::Accepted, "ACCEPTED"},
    {InvitationStatus::Revoked, "REVOKED"},
};

// docs/amc-api.md: an advertiser update's status.
constexpr Names<AdvertiserUpdateStatus> kAdvertiserUpdateStatusNames[] = {
    {AdvertiserUpdateStatus::Completed, "COMPLETED"},
    {AdvertiserUpdateStatus::Rejected, "REJECTED"},
};

}  // namespace

#define CLEANROOM_WIRE_TABLE(E, names) \
  std::span<const std::pair<E, std::string_view>> WireNames<E>::table() { return names; }
CLEANROOM_WIRE_TABLE(QueryStatus, kQueryStatusNames)
CLEANROOM_WIRE_TABLE(MemberStatus, kMemberStatusNames)
CLEANROOM_WIRE_TABLE(MembershipStatus, kMembershipStatusNames)
CLEANROOM_WIRE_TABLE(MemberAbility, kMemberAbilityNames)
CLEANROOM_WIRE_TABLE(ResultFormat, kResultFormatNames)
CLEANROOM_WIRE_TABLE(InstanceStatus, kInstanceStatusNames)
CLEANROOM_WIRE_TABLE(CollaborationStatus, kCollaborationStatusNames)
CLEANROOM_WIRE_TABLE(ExecutionStatus, kExecutionStatusNames)
CLEANROOM_WIRE_TABLE(UploadStatus, kUploadStatusNames)
CLEANROOM_WIRE_TABLE(DataFormat, kDataFormatNames)
CLEANROOM_WIRE_TABLE(InvitationStatus, kInvitationStatusNames)
CLEANROOM_WIRE_TABLE(AdvertiserUpdateStatus, kAdvertiserUpdateStatusNames)
#undef CLEANROOM_WIRE_TABLE

}  // namespace cleanroom
