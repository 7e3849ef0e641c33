#include "api/cleanrooms/destination_json.h"

namespace cleanroom::api::cleanrooms {
using nlohmann::json;

S3Destination s3_destination_of(const json& s3) {
  S3Destination d{s3.value("bucket", ""), s3.value("keyPrefix", ""), s3.value("resultFormat", "CSV"),
                  std::nullopt, ""};
  if (s3.contains("singleFileOutput")) d.single_file_output = s3["singleFileOutput"].get<bool>();
  return d;
}

json s3_json(const S3Destination& d) {
  json s3 = {{"resultFormat", d.format}, {"bucket", d.bucket}};
  if (!d.key_prefix.empty()) s3["keyPrefix"] = d.key_prefix;
  if (d.single_file_output) s3["singleFileOutput"] = *d.single_file_output;
  return s3;
}

std::optional<S3Destination> membership_destination_of(const json& config) {
  if (!config.is_object()) return std::nullopt;
  S3Destination d =
      s3_destination_of(config.value("/outputConfiguration/s3"_json_pointer, json::object()));
  d.role_arn = config.value("roleArn", "");
  return d;
}

json membership_destination_json(const S3Destination& d) {
  json out = {{"outputConfiguration", {{"s3", s3_json(d)}}}};
  if (!d.role_arn.empty()) out["roleArn"] = d.role_arn;
  return out;
}

std::optional<ResultDestination> query_destination_of(const json& config) {
  if (!config.is_object()) return std::nullopt;
  const json out = config.value("outputConfiguration", json::object());
  ResultDestination d;
  if (out.contains("s3"))
    d.s3 = s3_destination_of(out["s3"]);
  else
    d.member_account_id = out.value("/member/accountId"_json_pointer, "");
  return d;
}

core::DestinationNames destination_names(const std::string& field) {
  const std::string out = field + ".outputConfiguration";
  return {field, out + ".s3.bucket", out + ".s3.keyPrefix", out + ".member.accountId", true};
}

}  // namespace cleanroom::api::cleanrooms
