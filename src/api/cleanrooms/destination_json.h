#pragma once
// Clean Rooms' result configurations (MembershipProtectedQueryResultConfiguration,
// ProtectedQueryResultConfiguration) to and from the core's ResultDestination. The service model
// has already checked the input's shape (required members, one member of each union).
#include <nlohmann/json.hpp>
#include <optional>

#include "common/result_destination.h"
#include "core/result_destinations.h"

namespace cleanroom::api::cleanrooms {

// ProtectedQueryS3OutputConfiguration, given in the request field `field`.
Result<S3Destination> s3_destination_of(const nlohmann::json& s3, const std::string& field);
nlohmann::json s3_json(const S3Destination& d);

// A membership's defaultResultConfiguration; null for none.
Result<std::optional<S3Destination>> membership_destination_of(const nlohmann::json& config);
nlohmann::json membership_destination_json(const S3Destination& d);

// A query's resultConfiguration: its own s3 output, or another member's; null for none.
Result<std::optional<ResultDestination>> query_destination_of(const nlohmann::json& config);

// The request fields under `field` ("resultConfiguration") that errors about it name.
core::DestinationNames destination_names(const std::string& field);

}  // namespace cleanroom::api::cleanrooms
