#pragma once
// The Clean Rooms face's request layer, driven by botocore's service model (embedded by
// scripts/gen_cleanrooms_model.py) so routes and input rules follow the real wire contract:
// it maps a request to its operation, assembles the operation input from path, query, headers
// and body, and validates that input the way the real service does.
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/error.h"

namespace cleanroom::api::cleanrooms {

// The compact model JSON, defined in the generated service_model_data.cpp.
extern const char* const kCleanRoomsServiceModel;

struct OperationMatch {
  std::string name;                           // e.g. "GetMembership"
  std::map<std::string, std::string> labels;  // URI label name -> percent-decoded value
};

class ServiceModel {
 public:
  // The Clean Rooms model, parsed once from kCleanRoomsServiceModel (thread-safe).
  static const ServiceModel& instance();

  // Parses a model in the generated compact format; throws std::exception when it is malformed.
  explicit ServiceModel(std::string_view model_json);
  ~ServiceModel();
  ServiceModel(const ServiceModel&) = delete;
  ServiceModel& operator=(const ServiceModel&) = delete;

  // Matches an HTTP method and a percent-encoded path (no query string) to an operation.
  // Literal segments match exactly, {label} one non-empty segment, {label+} one or more
  // segments; when several templates match, the one with more literal segments wins.
  std::optional<OperationMatch> match(std::string_view method, std::string_view raw_path) const;

  // True when some operation's template matches the path under any method, so the face can
  // tell a wrong method from an unknown path.
  bool has_path(std::string_view raw_path) const;

  // Builds the operation input (member name -> value) from the URI labels, the raw query string
  // (e.g. "maxResults=5&memberStatus=INVITED"), the headers of "header" members and the JSON
  // body (members without a location). Text values are converted to the member's type; unknown
  // query parameters and headers are ignored. An empty body is an empty object.
  Result<nlohmann::json> parse_input(
      const OperationMatch& m, std::string_view raw_query,
      const std::vector<std::pair<std::string, std::string>>& headers, std::string_view body) const;

  // Checks an input against the operation's input shape: types, unknown members and unions
  // first (what the real service rejects while deserializing), then required members, enums,
  // lengths, patterns and ranges. Reports the first violation as Error::validation with the
  // service's message and the dotted/indexed member path (e.g. "members[0].accountId").
  Status validate_input(const std::string& operation, const nlohmann::json& input) const;

  // The accessors below take a name from operation_names() and throw std::out_of_range otherwise.
  int response_code(const std::string& operation) const;  // e.g. 204 for DeleteMembership
  std::string http_method(const std::string& operation) const;
  std::string request_uri(const std::string& operation) const;
  std::vector<std::string> operation_names() const;  // sorted

  // Shapes whose pattern std::regex could not compile even after translation from Java syntax;
  // validation skips those patterns, so this should stay empty.
  std::vector<std::string> unsupported_pattern_shapes() const;

 private:
  struct Model;
  std::unique_ptr<const Model> model_;
};

}  // namespace cleanroom::api::cleanrooms
