#pragma once
// Identity columns: the normalisation and SHA-256 hashing of PII, written once, as DuckDB SQL
// expressions, so that hashing runs vectorised inside the engine while data is copied and raw
// values never leave it. The rule per type, with examples, is in docs/identity.md; it follows
// Amazon's public AMC/Amazon Ads normalisation (reference/amc-api-facts.md "Data upload").
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"

namespace cleanroom::data {

enum class PiiType { Email, Phone, FirstName, LastName, Address, PostalCode, City, State, Country };

// "email", "phone", "first_name", "last_name", "address", "postal_code", "city", "state",
// "country" (the names used by the CLI, the HTTP API and the catalog).
std::optional<PiiType> pii_type_from_name(std::string_view name);
std::string pii_type_name(PiiType type);
const std::vector<std::string>& pii_type_names();

// Addresses, states and postal codes are read by the conventions of one country, given per
// upload as in Amazon's uploader. Returns the canonical ISO 3166-1 alpha-2 code (UK -> GB), or
// a Validation error naming the supported ones.
Result<std::string> identity_country(std::string_view country);

// SQL for the normalised value of `value_sql` (a VARCHAR expression) under the type's rule;
// NULL when nothing usable is left (an invalid email, an impossible phone number, ...).
// `country` must come from identity_country().
std::string normalised_sql(PiiType type, std::string_view value_sql, std::string_view country);

// SQL for the stored identity: the lowercase hex SHA-256 of the normalised value; a value
// that is already a hash (^[a-f0-9]{64}$) passes unchanged; NULL stays NULL. It calls
// cleanroom_sha256(), which every engine::Engine provides.
std::string hashed_sql(PiiType type, std::string_view value_sql, std::string_view country);

}  // namespace cleanroom::data
