#include "api/cleanrooms/destination_json.h"

namespace cleanroom::api::cleanrooms {
using nlohmann::json;

Result<S3Destination> s3_destination_of(const json& s3, const std::string& field) {
  S3Destination d{s3.value("bucket", ""), s3.value("keyPrefix", ""), ResultFormat::Csv,
                  std::nullopt, ""};
  if (s3.contains("resultFormat")) {
    const std::string name = s3["resultFormat"].get<std::string>();
    auto format = parse_wire<ResultFormat>(name);
    if (!format)
      return Error::validation("resultFormat '" + name + "' is not a result format",
                               field + ".resultFormat");
    d.format = *format;
  }
  if (s3.contains("singleFileOutput")) d.single_file_output = s3["singleFileOutput"].get<bool>();
  return d;
}

json s3_json(const S3Destination& d) {
  json s3 = {{"resultFormat", wire_name(d.format)}, {"bucket", d.bucket}};
  if (!d.key_prefix.empty()) s3["keyPrefix"] = d.key_prefix;
  if (d.single_file_output) s3["singleFileOutput"] = *d.single_file_output;
  return s3;
}

Result<std::optional<S3Destination>> membership_destination_of(const json& config) {
  if (!config.is_object()) return std::optional<S3Destination>();
  CR_ASSIGN(S3Destination d,
            s3_destination_of(config.value("/outputConfiguration/s3"_json_pointer, json::object()),
                              "defaultResultConfiguration.outputConfiguration.s3"));
  d.role_arn = config.value("roleArn", "");
  return std::optional<S3Destination>(std::move(d));
}

json membership_destination_json(const S3Destination& d) {
  json out = {{"outputConfiguration", {{"s3", s3_json(d)}}}};
  if (!d.role_arn.empty()) out["roleArn"] = d.role_arn;
  return out;
}

Result<std::optional<ResultDestination>> query_destination_of(const json& config) {
  if (!config.is_object()) return std::optional<ResultDestination>();
  const json out = config.value("outputConfiguration", json::object());
  ResultDestination d;
  if (out.contains("s3")) {
    CR_ASSIGN(d.s3, s3_destination_of(out["s3"], "resultConfiguration.outputConfiguration.s3"));
  } else {
    d.member_account_id = out.value("/member/accountId"_json_pointer, "");
  }
  return std::optional<ResultDestination>(std::move(d));
}

core::DestinationNames destination_names(const std::string& field) {
  const std::string out = field + ".outputConfiguration";
  return {field, out + ".s3.bucket", out + ".s3.keyPrefix", out + ".member.accountId", true};
}

}  // namespace cleanroom::api::cleanrooms
