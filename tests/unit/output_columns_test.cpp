// AMC's outputColumns against the columns a query binds to (policy/output_columns.h), and the
// checks of a workflow's output fields (core/workflow_output.h).
#include "policy/output_columns.h"

#include <gtest/gtest.h>

#include "core/workflow_output.h"

namespace cleanroom {
namespace {

using policy::ExpectedColumn;
using Answered = std::vector<std::pair<std::string, std::string>>;

Status check(const std::vector<ExpectedColumn>& expected, const Answered& answered,
             const std::vector<std::string>& may_omit = {}) {
  return policy::check_output_columns(expected, answered, may_omit);
}

TEST(OutputColumns, TypesMatchByKind) {
  // SUM of integers is a HUGEINT in the engine: any integer dataType takes it, and DECIMAL.
  Answered answered = {{"campaign_id", "BIGINT"},
                       {"impressions", "HUGEINT"},
                       {"cost", "DECIMAL(18,2)"},
                       {"rate", "DOUBLE"},
                       {"name", "VARCHAR"},
                       {"day", "DATE"},
                       {"at", "TIMESTAMP WITH TIME ZONE"},
                       {"ok", "BOOLEAN"}};
  EXPECT_TRUE(check({{"CAMPAIGN_ID", "INTEGER"},
                     {"impressions", "LONG"},
                     {"cost", "DECIMAL", 18, 2},
                     {"rate", "FLOAT"},
                     {"name", "STRING"},
                     {"day", "DATE"},
                     {"at", "TIMESTAMP"},
                     {"ok", "BOOLEAN"}},
                    answered)
                  .ok());
  EXPECT_TRUE(check({{"campaign_id", "DECIMAL"},
                     {"impressions", "DECIMAL"},
                     {"cost", "DECIMAL"},
                     {"rate", "DOUBLE"},
                     {"name", "STRING"},
                     {"day", "DATE"},
                     {"at", "TIMESTAMP"},
                     {"ok", "BOOLEAN"}},
                    answered)
                  .ok());
  auto wrong = check({{"campaign_id", "STRING"}}, {{"campaign_id", "BIGINT"}});
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().cause, Cause::InvalidQuery);
  EXPECT_EQ(wrong.error().message,
            "outputColumns[0] campaign_id must be STRING, but the query answers it as LONG "
            "(DuckDB BIGINT)");
  EXPECT_FALSE(check({{"cost", "DECIMAL", 10, 2}}, {{"cost", "DECIMAL(18,2)"}}).ok());
  EXPECT_FALSE(check({{"rate", "LONG"}}, {{"rate", "DOUBLE"}}).ok());
  EXPECT_FALSE(check({{"day", "TIMESTAMP"}}, {{"day", "DATE"}}).ok());
}

TEST(OutputColumns, EveryColumnIsListedButTheOptionColumns) {
  Answered answered = {{"campaign_id", "BIGINT"}, {"filtered", "BOOLEAN"}, {"du", "BIGINT"}};
  EXPECT_TRUE(check({{"campaign_id", "LONG"}}, answered, {"filtered", "du"}).ok());
  EXPECT_TRUE(
      check({{"campaign_id", "LONG"}, {"filtered", "BOOLEAN"}}, answered, {"filtered", "du"}).ok());
  auto unlisted = check({{"campaign_id", "LONG"}}, answered, {"filtered"});
  ASSERT_FALSE(unlisted.ok());
  EXPECT_EQ(unlisted.error().message,
            "the query answers the column du (LONG), which outputColumns does not list");
  auto missing = check({{"campaign_id", "LONG"}, {"reach", "LONG"}}, answered, {"filtered", "du"});
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("outputColumns[1] reach is not a column"),
            std::string::npos);
  EXPECT_TRUE(check({}, answered).ok());  // none listed: any output
}

TEST(WorkflowOutput, OptionsTravelWithTheQueryAndBack) {
  catalog::WorkflowRecord w;
  w.distinct_user_count_column = "du";
  w.filtered_reason_column = "why";
  w.privacy_filtering_behavior = "REMOVE_VALUES";
  w.output_columns = {{"c", "DECIMAL", "METRIC", 10, 2, "cost"}};
  ASSERT_TRUE(core::check_output_options(w).ok());
  auto o = core::output_options_of(w);
  auto back = core::output_options_from(core::output_options_json(o));
  EXPECT_EQ(back.filtered_rows.user_count_column, "du");
  EXPECT_EQ(back.filtered_rows.reason_column, "why");
  EXPECT_EQ(back.filtered_rows.behavior, policy::PrivacyFilteringBehavior::RemoveValues);
  ASSERT_EQ(back.columns.size(), 1u);
  EXPECT_EQ(back.columns[0].precision, 10);
  EXPECT_EQ(back.columns[0].scale, 2);
  // No options: nothing stored, so other queries' rows stay as they were.
  EXPECT_TRUE(
      core::output_options_json(core::output_options_of(catalog::WorkflowRecord{})).is_null());
}

TEST(WorkflowOutput, BadFieldsAreNamed) {
  auto field_of = [](catalog::WorkflowRecord w) {
    auto s = core::check_output_options(w);
    return s.ok() ? std::string("ok") : s.error().field;
  };
  catalog::WorkflowRecord w;
  EXPECT_EQ(field_of(w), "ok");
  auto bad = w;
  bad.privacy_filtering_behavior = "REMOVE_ALL";
  EXPECT_EQ(field_of(bad), "privacyFilteringBehavior");
  bad = w;
  bad.distinct_user_count_column = "x";
  bad.filtered_reason_column = "X";
  EXPECT_EQ(field_of(bad), "filteredReasonColumn");
  bad = w;
  bad.output_columns = {{"a", "LONG", "", std::nullopt, 2, ""}};
  EXPECT_EQ(field_of(bad), "outputColumns[0].dataTypePrecision");
  bad = w;
  bad.output_columns = {{"a", "DECIMAL", "", 10, 11, ""}};
  EXPECT_EQ(field_of(bad), "outputColumns[0].dataTypeScale");
  bad = w;
  bad.output_columns = {{"a", "LONG", "", std::nullopt, std::nullopt, ""},
                        {"A", "LONG", "", std::nullopt, std::nullopt, ""}};
  EXPECT_EQ(field_of(bad), "outputColumns[1].name");
  bad = w;
  bad.output_columns = {{"a", "VARCHAR", "", std::nullopt, std::nullopt, ""}};
  EXPECT_EQ(field_of(bad), "outputColumns[0].dataType");
}

}  // namespace
}  // namespace cleanroom
