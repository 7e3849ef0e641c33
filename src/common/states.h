#pragma once
// The states and small value sets that the catalog stores and the faces show, as types. Each has
// one table of wire names (states.cpp), the only place that spells them (DuckDB's EnumUtil is the
// model): the catalog stores the wire name, the core compares enums, each face converts at its
// edge. Clean Rooms names are the service model's; AMC names are docs/amc-api.md's.
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cleanroom {

// A protected query's ProtectedQueryStatus.
enum class QueryStatus { Submitted, Started, Cancelling, Cancelled, Failed, Success, TimedOut };
// A member entry's MemberStatus: how the collaboration sees the account.
enum class MemberStatus { Invited, Active, Left, Removed };
// A membership's MembershipStatus: how the account's own membership stands.
enum class MembershipStatus { Active, Removed, CollaborationDeleted };
enum class MemberAbility { CanQuery, CanReceiveResults, CanRunJob };
// The format a protected query's result is written in.
enum class ResultFormat { Csv, Parquet };
// An AMC instance's creationStatus: ACTIVE once its primary account has joined.
enum class InstanceStatus { Requested, Active };
// An AMC instance's acrCollaboration.status: the primary account's member status as the AMC
// console spells it, or Deleted when the collaboration is gone.
enum class CollaborationStatus { Invited, Active, Left, Removed, Deleted };
// An AMC workflow execution's status (derived from its protected query's, never stored).
enum class ExecutionStatus { Pending, Running, Succeeded, Failed, Cancelled };
// An upload's status, of the dataset API's upload jobs and of AMC data uploads alike: queued,
// being ingested, then one of the three ends (core/upload_jobs.h).
enum class UploadStatus { Pending, Running, Succeeded, Failed, Cancelled };
// The format of an AMC data set's files (fileFormat): JSON is one object per line.
enum class DataFormat { Csv, Json, Parquet };
// An invitation of a user into an AMC account.
enum class InvitationStatus { Pending, Accepted, Revoked };
// A change of an AMC instance's advertisers: applied at once, or refused as a whole.
enum class AdvertiserUpdateStatus { Completed, Rejected };

// Finds an enum's table; specialised once per enum above, defined in states.cpp.
template <typename E>
struct WireNames;

#define CLEANROOM_WIRE_NAMES(E, what)                               \
  template <>                                                       \
  struct WireNames<E> {                                             \
    static constexpr std::string_view noun = what;                  \
    static std::span<const std::pair<E, std::string_view>> table(); \
  }
CLEANROOM_WIRE_NAMES(QueryStatus, "protected query status");
CLEANROOM_WIRE_NAMES(MemberStatus, "member status");
CLEANROOM_WIRE_NAMES(MembershipStatus, "membership status");
CLEANROOM_WIRE_NAMES(MemberAbility, "member ability");
CLEANROOM_WIRE_NAMES(ResultFormat, "result format");
CLEANROOM_WIRE_NAMES(InstanceStatus, "instance status");
CLEANROOM_WIRE_NAMES(CollaborationStatus, "collaboration status");
CLEANROOM_WIRE_NAMES(ExecutionStatus, "workflow execution status");
CLEANROOM_WIRE_NAMES(UploadStatus, "upload status");
CLEANROOM_WIRE_NAMES(DataFormat, "file format");
CLEANROOM_WIRE_NAMES(InvitationStatus, "invitation status");
CLEANROOM_WIRE_NAMES(AdvertiserUpdateStatus, "advertiser update status");
#undef CLEANROOM_WIRE_NAMES

template <typename E>
concept WireEnum = requires {
  WireNames<E>::table();
};

template <WireEnum E>
std::string_view wire_name(E value) {
  for (const auto& [v, name] : WireNames<E>::table())
    if (v == value) return name;
  return {};  // unreachable: states_test checks every value has a name
}

// The value a wire name spells, exactly (case matters, as in the service model); nullopt for an
// unknown name. A caller turns that into its own error: Internal for the catalog's, Validation
// for a face's field.
template <WireEnum E>
std::optional<E> parse_wire(std::string_view name) {
  for (const auto& [v, n] : WireNames<E>::table())
    if (n == name) return v;
  return std::nullopt;
}

template <WireEnum E>
std::vector<std::string_view> wire_names(const std::vector<E>& values) {
  std::vector<std::string_view> out;
  out.reserve(values.size());
  for (E v : values) out.push_back(wire_name(v));
  return out;
}

// The wire name as a string, for messages that quote a state.
template <WireEnum E>
std::string wire_string(E value) {
  return std::string(wire_name(value));
}

}  // namespace cleanroom
