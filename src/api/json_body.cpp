#include "api/json_body.h"

#include <algorithm>

namespace cleanroom::api {
using nlohmann::json;

namespace {
std::string type_name(const json& v) {
  if (v.is_string()) return "a string";
  if (v.is_boolean()) return "a boolean";
  if (v.is_number()) return "a number";
  if (v.is_array()) return "an array";
  if (v.is_object()) return "an object";
  return "null";
}
}  // namespace

Result<json> parse_json_object(const std::string& body) {
  if (body.empty())
    return Error::validation("the request body is empty; a JSON object is required");
  json j;
  try {
    j = json::parse(body);
  } catch (const json::parse_error& e) {
    // The parser's byte offset is what lets a user find the mistake in a hand-written body.
    return Error::validation("the request body is not valid JSON (error at byte " +
                             std::to_string(e.byte) + ")");
  }
  if (!j.is_object())
    return Error::validation("the request body must be a JSON object, not " + type_name(j));
  return j;
}

Status check_known_fields(const json& obj, std::initializer_list<const char*> known,
                          const std::string& prefix) {
  for (const auto& [k, v] : obj.items())
    if (std::none_of(known.begin(), known.end(), [&](const char* n) { return k == n; }))
      return Error::validation("unknown field '" + prefix + k + "'", prefix + k);
  return {};
}

Result<std::optional<std::string>> optional_string(const json& obj, const std::string& name,
                                                   const std::string& prefix) {
  auto it = obj.find(name);
  if (it == obj.end()) return std::optional<std::string>{};
  if (!it->is_string())
    return Error::validation(
        "field '" + prefix + name + "' must be a string, not " + type_name(*it), prefix + name);
  return std::optional<std::string>(it->get<std::string>());
}

Result<std::string> required_string(const json& obj, const std::string& name,
                                    const std::string& prefix) {
  CR_ASSIGN(auto v, optional_string(obj, name, prefix));
  if (!v) return Error::validation("field '" + prefix + name + "' is required", prefix + name);
  return *v;
}

Result<json> optional_object_array(const json& obj, const std::string& name,
                                   const std::string& prefix) {
  auto it = obj.find(name);
  if (it == obj.end()) return json::array();
  if (!it->is_array())
    return Error::validation(
        "field '" + prefix + name + "' must be an array, not " + type_name(*it), prefix + name);
  for (size_t i = 0; i < it->size(); ++i)
    if (!(*it)[i].is_object())
      return Error::validation(
          "field '" + prefix + name + "[" + std::to_string(i) + "]' must be an object",
          prefix + name);
  return *it;
}

Result<std::vector<std::string>> optional_string_array(const json& obj, const std::string& name,
                                                       const std::string& prefix) {
  auto it = obj.find(name);
  std::vector<std::string> out;
  if (it == obj.end()) return out;
  if (!it->is_array())
    return Error::validation(
        "field '" + prefix + name + "' must be an array, not " + type_name(*it), prefix + name);
  for (const auto& v : *it) {
    if (!v.is_string())
      return Error::validation("field '" + prefix + name + "' must contain only strings",
                               prefix + name);
    out.push_back(v.get<std::string>());
  }
  return out;
}

}  // namespace cleanroom::api
