#pragma once
// Strict reading of JSON request bodies for the hand-written faces: malformed JSON, unknown
// fields and wrong types are errors that name the field.
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "common/error.h"

namespace cleanroom::api {

Result<nlohmann::json> parse_json_object(const std::string& body);
Status check_known_fields(const nlohmann::json& obj, std::initializer_list<const char*> known,
                          const std::string& prefix = "");
Result<std::optional<std::string>> optional_string(const nlohmann::json& obj,
                                                   const std::string& name,
                                                   const std::string& prefix = "");
Result<std::string> required_string(const nlohmann::json& obj, const std::string& name,
                                    const std::string& prefix = "");
// A JSON array of objects, or absent (empty result).
Result<nlohmann::json> optional_object_array(const nlohmann::json& obj, const std::string& name,
                                             const std::string& prefix = "");
Result<std::vector<std::string>> optional_string_array(const nlohmann::json& obj,
                                                       const std::string& name,
                                                       const std::string& prefix = "");

}  // namespace cleanroom::api
