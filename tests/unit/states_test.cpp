// The one table of wire names per state enum: every value has its name (spelled here again, from
// the service model and docs/amc-api.md, so a typo in the table fails), every name reads back as
// its value, and nothing else reads as a value.
#include "common/states.h"

#include <gtest/gtest.h>

#include <set>

namespace cleanroom {
namespace {

template <WireEnum E>
void expect_names(const std::vector<std::pair<E, std::string>>& expected) {
  // Enums count from 0: values 0..n-1 are all of them, so none of them lacks a name.
  ASSERT_EQ(WireNames<E>::table().size(), expected.size()) << WireNames<E>::noun;
  std::set<std::string_view> seen;
  for (const auto& [value, name] : expected) {
    EXPECT_EQ(wire_name(value), name) << WireNames<E>::noun;
    EXPECT_EQ(parse_wire<E>(name), value) << name;
    EXPECT_TRUE(seen.insert(wire_name(value)).second) << name << " is named twice";
  }
  for (size_t i = 0; i < expected.size(); ++i)
    EXPECT_FALSE(wire_name(static_cast<E>(i)).empty()) << WireNames<E>::noun << " " << i;
}

template <WireEnum E>
void expect_refused(std::initializer_list<std::string_view> names) {
  for (auto name : names) EXPECT_EQ(parse_wire<E>(name), std::nullopt) << name;
}

TEST(States, QueryStatusRoundTrips) {
  expect_names<QueryStatus>({{QueryStatus::Submitted, "SUBMITTED"},
                             {QueryStatus::Started, "STARTED"},
                             {QueryStatus::Cancelling, "CANCELLING"},
                             {QueryStatus::Cancelled, "CANCELLED"},
                             {QueryStatus::Failed, "FAILED"},
                             {QueryStatus::Success, "SUCCESS"},
                             {QueryStatus::TimedOut, "TIMED_OUT"}});
  expect_refused<QueryStatus>({"", "success", "SUCCEEDED", "RUNNING", " SUCCESS", "TIMEDOUT"});
}

TEST(States, MemberAndMembershipStatusesRoundTrip) {
  expect_names<MemberStatus>({{MemberStatus::Invited, "INVITED"},
                              {MemberStatus::Active, "ACTIVE"},
                              {MemberStatus::Left, "LEFT"},
                              {MemberStatus::Removed, "REMOVED"}});
  expect_refused<MemberStatus>({"", "Active", "COLLABORATION_DELETED"});
  expect_names<MembershipStatus>(
      {{MembershipStatus::Active, "ACTIVE"},
       {MembershipStatus::Removed, "REMOVED"},
       {MembershipStatus::CollaborationDeleted, "COLLABORATION_DELETED"}});
  expect_refused<MembershipStatus>({"", "LEFT", "INVITED", "active"});
}

TEST(States, AbilitiesAndResultFormatsRoundTrip) {
  expect_names<MemberAbility>({{MemberAbility::CanQuery, "CAN_QUERY"},
                               {MemberAbility::CanReceiveResults, "CAN_RECEIVE_RESULTS"},
                               {MemberAbility::CanRunJob, "CAN_RUN_JOB"}});
  expect_refused<MemberAbility>({"", "CAN_QUERY ", "can_query", "CAN_RECEIVE"});
  expect_names<ResultFormat>({{ResultFormat::Csv, "CSV"}, {ResultFormat::Parquet, "PARQUET"}});
  expect_refused<ResultFormat>({"", "csv", "JSON"});
  EXPECT_EQ(wire_names(std::vector{MemberAbility::CanReceiveResults, MemberAbility::CanQuery}),
            (std::vector<std::string_view>{"CAN_RECEIVE_RESULTS", "CAN_QUERY"}));
}

TEST(States, AmcStatusesRoundTrip) {
  expect_names<InstanceStatus>(
      {{InstanceStatus::Requested, "REQUESTED"}, {InstanceStatus::Active, "ACTIVE"}});
  expect_refused<InstanceStatus>({"", "Active", "PENDING"});
  expect_names<CollaborationStatus>({{CollaborationStatus::Invited, "Invited"},
                                     {CollaborationStatus::Active, "Active"},
                                     {CollaborationStatus::Left, "Left"},
                                     {CollaborationStatus::Removed, "Removed"},
                                     {CollaborationStatus::Deleted, "Deleted"}});
  expect_refused<CollaborationStatus>({"", "ACTIVE", "LEFT", "active"});
  expect_names<ExecutionStatus>({{ExecutionStatus::Pending, "PENDING"},
                                 {ExecutionStatus::Running, "RUNNING"},
                                 {ExecutionStatus::Succeeded, "SUCCEEDED"},
                                 {ExecutionStatus::Failed, "FAILED"},
                                 {ExecutionStatus::Cancelled, "CANCELLED"}});
  expect_refused<ExecutionStatus>({"", "SUCCESS", "STARTED", "Cancelled"});
  expect_names<UploadStatus>({{UploadStatus::Pending, "PENDING"},
                              {UploadStatus::Running, "RUNNING"},
                              {UploadStatus::Succeeded, "SUCCEEDED"},
                              {UploadStatus::Failed, "FAILED"},
                              {UploadStatus::Cancelled, "CANCELLED"}});
  expect_refused<UploadStatus>({"", "SUCCESS", "COMPLETED", "Succeeded"});
  expect_names<DataFormat>(
      {{DataFormat::Csv, "CSV"}, {DataFormat::Json, "JSON"}, {DataFormat::Parquet, "PARQUET"}});
  expect_refused<DataFormat>({"", "csv", "JSONL", "XML"});
  expect_names<InvitationStatus>({{InvitationStatus::Pending, "PENDING"},
                                  {InvitationStatus::Accepted, "ACCEPTED"},
                                  {InvitationStatus::Revoked, "REVOKED"}});
  expect_refused<InvitationStatus>({"", "pending", "DECLINED"});
  expect_names<AdvertiserUpdateStatus>({{AdvertiserUpdateStatus::Completed, "COMPLETED"},
                                        {AdvertiserUpdateStatus::Rejected, "REJECTED"}});
  expect_refused<AdvertiserUpdateStatus>({"", "PENDING_VERIFICATION", "Completed"});
}

}  // namespace
}  // namespace cleanroom
