#include "api/cleanrooms/service_model.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <stdexcept>
#include <string>

namespace cleanroom::api::cleanrooms {
namespace {

using nlohmann::json;

const ServiceModel& model() { return ServiceModel::instance(); }

constexpr const char* kCollaborationId = "11111111-2222-3333-4444-555555555555";
constexpr const char* kMembershipId = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee";

Result<json> parse(const char* method, const char* path, const char* query = "",
                   const char* body = "") {
  auto m = model().match(method, path);
  if (!m) return Error::not_found(Resource::Route, path);
  return model().parse_input(*m, query, {}, body);
}

json valid_create_membership() {
  return {
      {"collaborationIdentifier", kCollaborationId},
      {"queryLogStatus", "ENABLED"},
      {"defaultResultConfiguration",
       {{"outputConfiguration",
         {{"s3", {{"resultFormat", "CSV"}, {"bucket", "my-results"}, {"keyPrefix", "amc/"}}}}}}}};
}

json valid_create_collaboration() {
  return {{"members", json::array()},
          {"name", "Retail measurement"},
          {"description", "Joint campaign analysis"},
          {"creatorMemberAbilities", {"CAN_QUERY", "CAN_RECEIVE_RESULTS"}},
          {"creatorDisplayName", "Advertiser"},
          {"queryLogStatus", "DISABLED"}};
}

// --- match ---------------------------------------------------------------------------------

TEST(ServiceModelMatch, PostMembershipsIsCreateMembership) {
  auto m = model().match("POST", "/memberships");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->name, "CreateMembership");
  EXPECT_TRUE(m->labels.empty());
}

TEST(ServiceModelMatch, GetMembershipBindsItsLabel) {
  auto m = model().match("GET", "/memberships/abc");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->name, "GetMembership");
  EXPECT_EQ(m->labels, (std::map<std::string, std::string>{{"membershipIdentifier", "abc"}}));
}

TEST(ServiceModelMatch, ListMembersUnderACollaboration) {
  auto m = model().match("GET", "/collaborations/x/members");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->name, "ListMembers");
  EXPECT_EQ(m->labels.at("collaborationIdentifier"), "x");
}

TEST(ServiceModelMatch, DeleteMembershipAnswers204) {
  auto m = model().match("DELETE", "/memberships/abc");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->name, "DeleteMembership");
  EXPECT_EQ(model().response_code("DeleteMembership"), 204);
  EXPECT_EQ(model().response_code("CreateMembership"), 200);
}

TEST(ServiceModelMatch, PercentEncodedArnLabelIsDecoded) {
  auto m = model().match(
      "GET", "/tags/arn%3Aaws%3Acleanrooms%3Aus-east-1%3A123456789012%3Amembership%2Fabc");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->name, "ListTagsForResource");
  EXPECT_EQ(m->labels.at("resourceArn"),
            "arn:aws:cleanrooms:us-east-1:123456789012:membership/abc");
}

TEST(ServiceModelMatch, RejectsUnknownPathsWrongMethodsAndBrokenLabels) {
  EXPECT_FALSE(model().match("GET", "/nothing-here"));
  EXPECT_FALSE(model().match("GET", "/memberships/"));  // labels must not be empty
  EXPECT_FALSE(model().match("GET", "/memberships/a/b/c/d/e"));
  EXPECT_FALSE(model().match("GET", "/memberships/bad%zzescape"));
  EXPECT_FALSE(model().match("GET", "memberships"));
  EXPECT_FALSE(model().match("PUT", "/memberships"));
  EXPECT_TRUE(model().has_path("/memberships"));
  EXPECT_FALSE(model().has_path("/nothing-here"));
}

// A tiny model exercises what the Clean Rooms model has no instance of.
constexpr const char* kRoutingModel = R"({
  "operations": {
    "GetThing": {"method": "GET", "requestUri": "/things/{id}", "responseCode": 200, "input": "In"},
    "GetSpecial": {"method": "GET", "requestUri": "/things/special", "responseCode": 200,
                   "input": "In"},
    "GetObject": {"method": "GET", "requestUri": "/objects/{bucket}/{key+}", "responseCode": 200,
                  "input": "In"}
  },
  "shapes": {"In": {"type": "structure", "members": {}}}
})";

TEST(ServiceModelMatch, PrefersTheTemplateWithMoreLiterals) {
  ServiceModel routing(kRoutingModel);
  EXPECT_EQ(routing.match("GET", "/things/special")->name, "GetSpecial");
  EXPECT_EQ(routing.match("GET", "/things/other")->name, "GetThing");
}

TEST(ServiceModelMatch, GreedyLabelSpansSegments) {
  ServiceModel routing(kRoutingModel);
  auto m = routing.match("GET", "/objects/b/dir/sub/file%20name.csv");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->name, "GetObject");
  EXPECT_EQ(m->labels.at("bucket"), "b");
  EXPECT_EQ(m->labels.at("key"), "dir/sub/file name.csv");
  EXPECT_FALSE(routing.match("GET", "/objects/b"));
}

// --- model facts ----------------------------------------------------------------------------

TEST(ServiceModel, HasAllOperations) {
  auto names = model().operation_names();
  EXPECT_EQ(names.size(), 88u);
  EXPECT_TRUE(std::is_sorted(names.begin(), names.end()));
  EXPECT_EQ(model().http_method("UpdateMembership"), "PATCH");
  EXPECT_EQ(model().request_uri("ListMembers"),
            "/collaborations/{collaborationIdentifier}/members");
  EXPECT_THROW(model().response_code("NoSuchOperation"), std::out_of_range);
}

TEST(ServiceModel, EveryInputPatternCompiles) {
  auto doc = json::parse(kCleanRoomsServiceModel);
  auto unsupported = model().unsupported_pattern_shapes();
  int patterns = 0;
  for (const auto& [name, shape] : doc.at("shapes").items()) {
    if (!shape.contains("pattern")) continue;
    ++patterns;
    EXPECT_EQ(std::count(unsupported.begin(), unsupported.end(), name), 0)
        << name << ": " << shape["pattern"];
  }
  EXPECT_GT(patterns, 40);
  EXPECT_TRUE(unsupported.empty());
}

// std::regex recurses once per character (a 2048-character match takes ~400 KB of stack), so
// patterns are only applied within a length bound; a regenerated model must keep one.
TEST(ServiceModel, EveryPatternedStringHasASmallMaxLength) {
  auto doc = json::parse(kCleanRoomsServiceModel);
  for (const auto& [name, shape] : doc.at("shapes").items()) {
    if (!shape.contains("pattern")) continue;
    ASSERT_TRUE(shape.contains("max")) << name;
    EXPECT_LE(shape["max"].get<double>(), 2048) << name;
  }
}

// --- parse_input ------------------------------------------------------------------------------

TEST(ServiceModelParseInput, ConvertsQueryValuesToMemberTypes) {
  auto input = parse("GET", "/collaborations/x/members", "maxResults=5&nextToken=a%2Bb+c&other=1");
  ASSERT_TRUE(input.ok()) << input.error().message;
  EXPECT_EQ(*input,
            (json{{"collaborationIdentifier", "x"}, {"maxResults", 5}, {"nextToken", "a+b c"}}));
  EXPECT_TRUE((*input)["maxResults"].is_number_integer());
}

TEST(ServiceModelParseInput, RejectsANonIntegerQueryValue) {
  auto input = parse("GET", "/collaborations/x/members", "maxResults=abc");
  ASSERT_FALSE(input.ok());
  EXPECT_EQ(input.error().kind, ErrorKind::Validation);
  EXPECT_EQ(input.error().cause, Cause::InvalidField);
  EXPECT_EQ(input.error().field, "maxResults");
  EXPECT_NE(input.error().message.find("'abc'"), std::string::npos);
  EXPECT_FALSE(parse("GET", "/collaborations/x/members", "maxResults=99999999999").ok());
  EXPECT_FALSE(parse("GET", "/collaborations/x/members", "maxResults=%zz").ok());
}

TEST(ServiceModelParseInput, RepeatedQueryParameterFillsAList) {
  auto input = parse("DELETE", "/tags/arn", "tagKeys=team&tagKeys=cost%20center");
  ASSERT_TRUE(input.ok()) << input.error().message;
  EXPECT_EQ((*input)["tagKeys"], (json{"team", "cost center"}));
}

TEST(ServiceModelParseInput, MergesBodyWithLabels) {
  auto input = parse("PATCH", "/memberships/m1", "", R"({"queryLogStatus":"ENABLED"})");
  ASSERT_TRUE(input.ok()) << input.error().message;
  EXPECT_EQ(*input, (json{{"membershipIdentifier", "m1"}, {"queryLogStatus", "ENABLED"}}));
}

TEST(ServiceModelParseInput, BodyCannotOverrideALabel) {
  auto input = parse("PATCH", "/memberships/m1", "", R"({"membershipIdentifier":"m2"})");
  ASSERT_FALSE(input.ok());
  EXPECT_EQ(input.error().field, "membershipIdentifier");
}

TEST(ServiceModelParseInput, EmptyBodyIsAnEmptyObject) {
  auto input = parse("GET", "/memberships");
  ASSERT_TRUE(input.ok());
  EXPECT_EQ(*input, json::object());
}

TEST(ServiceModelParseInput, RejectsMalformedAndNonObjectBodies) {
  auto malformed = parse("POST", "/memberships", "", R"({"queryLogStatus":)");
  ASSERT_FALSE(malformed.ok());
  EXPECT_EQ(malformed.error().kind, ErrorKind::Validation);
  EXPECT_NE(malformed.error().message.find("malformed JSON"), std::string::npos);
  auto array = parse("POST", "/memberships", "", "[1, 2]");
  ASSERT_FALSE(array.ok());
  EXPECT_EQ(array.error().kind, ErrorKind::Validation);
}

// --- validate_input ---------------------------------------------------------------------------

TEST(ServiceModelValidate, ValidCreateMembershipPasses) {
  auto status = model().validate_input("CreateMembership", valid_create_membership());
  EXPECT_TRUE(status.ok()) << status.error().message;
}

TEST(ServiceModelValidate, MissingRequiredMember) {
  json input = valid_create_membership();
  input.erase("queryLogStatus");
  auto status = model().validate_input("CreateMembership", input);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().kind, ErrorKind::Validation);
  EXPECT_EQ(status.error().cause, Cause::InvalidField);
  EXPECT_EQ(status.error().field, "queryLogStatus");
  EXPECT_EQ(status.error().message,
            "1 validation error detected: Value null at 'queryLogStatus' failed to satisfy "
            "constraint: Member must not be null");
}

TEST(ServiceModelValidate, EnumValue) {
  json input = valid_create_membership();
  input["queryLogStatus"] = "MAYBE";
  auto status = model().validate_input("CreateMembership", input);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().field, "queryLogStatus");
  EXPECT_EQ(status.error().message,
            "1 validation error detected: Value 'MAYBE' at 'queryLogStatus' failed to satisfy "
            "constraint: Member must satisfy enum value set: [ENABLED, DISABLED]");
}

TEST(ServiceModelValidate, StringLength) {
  json input = valid_create_collaboration();
  ASSERT_TRUE(model().validate_input("CreateCollaboration", input).ok());
  input["name"] = std::string(200, 'n');
  auto status = model().validate_input("CreateCollaboration", input);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().field, "name");
  EXPECT_NE(status.error().message.find("Member must have length less than or equal to 100"),
            std::string::npos);
}

TEST(ServiceModelValidate, LengthCountsCharactersNotBytes) {
  json input = valid_create_collaboration();
  std::string name;
  for (int i = 0; i < 100; ++i) name += "\xc3\xa9";  // é, two bytes each
  input["name"] = name;
  EXPECT_TRUE(model().validate_input("CreateCollaboration", input).ok());
}

TEST(ServiceModelValidate, TranslatedJavaPatterns) {
  json input = valid_create_collaboration();
  auto name_ok = [&](const std::string& name) {
    input["name"] = name;
    return model().validate_input("CreateCollaboration", input).ok();
  };
  EXPECT_TRUE(
      name_ok("Donn\xc3\xa9"
              "es partag\xc3\xa9"
              "es"));
  EXPECT_TRUE(name_ok("Launch \xf0\x9f\x9a\x80"));  // beyond the BMP: Java lists it as surrogates
  EXPECT_FALSE(name_ok("   "));                     // the (?!\s*$) lookahead
  EXPECT_FALSE(name_ok("bell\x07"));
  input["name"] = "ok";
  input["members"] = {{{"accountId", "12345678901x"},
                       {"memberAbilities", json::array()},
                       {"displayName", "Publisher"}}};
  auto status = model().validate_input("CreateCollaboration", input);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().field, "members[0].accountId");
  EXPECT_NE(status.error().message.find("Member must satisfy regular expression pattern: \\d+"),
            std::string::npos);
}

TEST(ServiceModelValidate, NestedPathInMessages) {
  json input = valid_create_membership();
  input["defaultResultConfiguration"]["outputConfiguration"]["s3"]["bucket"] = "My_Bucket";
  auto status = model().validate_input("CreateMembership", input);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().field, "defaultResultConfiguration.outputConfiguration.s3.bucket");
  EXPECT_NE(status.error().message.find(
                "at 'defaultResultConfiguration.outputConfiguration.s3.bucket' failed to satisfy "
                "constraint: Member must satisfy regular expression pattern"),
            std::string::npos);
  input["defaultResultConfiguration"]["outputConfiguration"]["s3"]["bucket"] = "192.168.1.1";
  EXPECT_FALSE(model().validate_input("CreateMembership", input).ok());
}

TEST(ServiceModelValidate, UnionNeedsExactlyOneMember) {
  json input = {{"type", "SQL"},
                {"membershipIdentifier", kMembershipId},
                {"sqlParameters", {{"queryString", "SELECT 1"}}},
                {"resultConfiguration",
                 {{"outputConfiguration",
                   {{"s3", {{"resultFormat", "CSV"}, {"bucket", "my-results"}}},
                    {"member", {{"accountId", "123456789012"}}}}}}}};
  auto status = model().validate_input("StartProtectedQuery", input);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().field, "resultConfiguration.outputConfiguration");
  input["resultConfiguration"]["outputConfiguration"].erase("member");
  EXPECT_TRUE(model().validate_input("StartProtectedQuery", input).ok());
  input["resultConfiguration"]["outputConfiguration"] = json::object();
  EXPECT_FALSE(model().validate_input("StartProtectedQuery", input).ok());
}

TEST(ServiceModelValidate, UnknownMembersAreRejected) {
  json input = valid_create_membership();
  input["foo"] = 1;
  auto status = model().validate_input("CreateMembership", input);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().message, "Unknown member 'foo'");
  EXPECT_EQ(status.error().field, "foo");
  input.erase("foo");
  input["defaultResultConfiguration"]["extra"] = true;
  EXPECT_EQ(model().validate_input("CreateMembership", input).error().field,
            "defaultResultConfiguration.extra");
}

TEST(ServiceModelValidate, TypesAndRanges) {
  json input = valid_create_membership();
  input["queryLogStatus"] = 5;
  auto status = model().validate_input("CreateMembership", input);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.error().message.find("Member must be of type string"), std::string::npos);

  json list = {{"collaborationIdentifier", kCollaborationId}, {"maxResults", 0}};
  status = model().validate_input("ListMembers", list);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().field, "maxResults");
  EXPECT_NE(status.error().message.find("Member must have value greater than or equal to 1"),
            std::string::npos);
  list["maxResults"] = 100;
  EXPECT_TRUE(model().validate_input("ListMembers", list).ok());
}

TEST(ServiceModelValidate, MapKeysAndValues) {
  json input = valid_create_membership();
  input["tags"] = {{"team", "ads"}};
  EXPECT_TRUE(model().validate_input("CreateMembership", input).ok());
  input["tags"] = {{"", "ads"}};
  auto status = model().validate_input("CreateMembership", input);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().field, "tags");
  EXPECT_NE(status.error().message.find("Map keys must satisfy constraint"), std::string::npos);
  input["tags"] = {{"team", std::string(300, 'v')}};
  EXPECT_EQ(model().validate_input("CreateMembership", input).error().field, "tags.team");
}

TEST(ServiceModelValidate, ParsedRequestValidatesEndToEnd) {
  auto input = parse("POST", "/memberships", "", valid_create_membership().dump().c_str());
  ASSERT_TRUE(input.ok());
  EXPECT_TRUE(model().validate_input("CreateMembership", *input).ok());
}

}  // namespace
}  // namespace cleanroom::api::cleanrooms
