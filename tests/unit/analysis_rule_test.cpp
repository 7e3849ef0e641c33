// Analysis-rule validation as data: each tests/unit/analysis_rules/*.json holds a rule, the allowed
// columns of its configured table and the verdict (valid, or invalid with a message fragment and
// optionally the field). Adding a case is adding a file.
#include "policy/analysis_rule.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "corpus_files.h"

namespace cleanroom {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

std::vector<std::string> case_names() {
  return testing::corpus_cases("tests/unit/analysis_rules", ".json");
}

json load(const std::string& name) {
  std::ifstream in(fs::path(CLEANROOM_SOURCE_DIR) / "tests/unit/analysis_rules" / (name + ".json"));
  return json::parse(in);
}

class AnalysisRuleCase : public ::testing::TestWithParam<std::string> {};

TEST_P(AnalysisRuleCase, HasItsVerdict) {
  json c = load(GetParam());
  SCOPED_TRACE(c.value("about", ""));
  auto rule =
      policy::parse_analysis_rule(c["analysisRuleType"].get<std::string>(), c["analysisRulePolicy"],
                                  c["allowedColumns"].get<std::vector<std::string>>());
  if (c["verdict"] == "valid") {
    ASSERT_TRUE(rule.ok()) << rule.error().message;
    EXPECT_EQ(policy::to_string(rule->type()), c["analysisRuleType"]);
    // What is stored and shown: the policy as given, less members given as null.
    EXPECT_EQ(rule->to_json(), c.value("stored", c["analysisRulePolicy"]));
    return;
  }
  ASSERT_EQ(c["verdict"], "invalid");
  ASSERT_FALSE(rule.ok()) << "accepted";
  EXPECT_EQ(rule.error().kind, ErrorKind::Validation);
  EXPECT_NE(rule.error().message.find(c["message"].get<std::string>()), std::string::npos)
      << rule.error().message;
  if (c.contains("field")) {
    EXPECT_EQ(rule.error().field, c["field"]);
  }
}

INSTANTIATE_TEST_SUITE_P(Corpus, AnalysisRuleCase, ::testing::ValuesIn(case_names()),
                         [](const auto& info) { return info.param; });

// Too big to keep as a file: clean-rooms-semantics.md caps rule JSON at 100 KB.
TEST(AnalysisRule, PolicyOver100KbIsRefused) {
  json providers = json::array();
  for (int i = 0; i < 8000; ++i) providers.push_back("444455556666");
  json policy = {
      {"v1",
       {{"custom",
         {{"allowedAnalyses", {"ANY_QUERY"}}, {"allowedAnalysisProviders", providers}}}}}};
  auto rule = policy::parse_analysis_rule("CUSTOM", policy, {"a"});
  ASSERT_FALSE(rule.ok());
  EXPECT_NE(rule.error().message.find("larger than 100 KB"), std::string::npos)
      << rule.error().message;
}

}  // namespace
}  // namespace cleanroom
