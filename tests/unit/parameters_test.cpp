// Parameters bound on the parse tree (policy/parameters.h): whatever a value holds, it comes back
// as one constant in the rendered SQL, and the rendered SQL parses to the template's own shape.
#include "policy/parameters.h"

#include <gtest/gtest.h>

#include "policy/sql_parser.h"

namespace cleanroom {
namespace {

using nlohmann::json;

Result<std::string> bind(const std::string& sql, const std::string& value) {
  return policy::bind_in_tree(sql, [&](const json& node) -> Result<std::optional<json>> {
    if (node.value("class", "") != "PARAMETER") return std::optional<json>{};
    return std::optional<json>(policy::text_constant(value));
  });
}

// The WHERE clause of the only statement of `sql`.
json where_of(const std::string& sql) {
  auto tree = policy::parse_sql(sql);
  EXPECT_TRUE(tree.ok());
  return (*tree)["statements"][0]["node"]["where_clause"];
}

TEST(Parameters, AValueIsAlwaysOneConstant) {
  const std::string sql =
      "SELECT region, count(*) AS n FROM t WHERE region = $region GROUP BY region";
  for (const std::string value :
       {"x' OR '1'='1", "$$ OR 1=1 --", "$tag$ ) UNION SELECT email FROM t $tag$", "/* */ ' /*",
        "E'\\'' OR true --", "'); SELECT 1; --", "\n-- comment\n", "plain"}) {
    SCOPED_TRACE(value);
    auto out = bind(sql, value);
    ASSERT_TRUE(out.ok()) << out.error().message;
    json where = where_of(*out);
    EXPECT_EQ(where["class"], "COMPARISON");
    EXPECT_EQ(where["right"]["class"], "CONSTANT");
    EXPECT_EQ(where["right"]["value"]["value"], value);
    auto tree = policy::parse_sql(*out);
    ASSERT_TRUE(tree.ok());
    EXPECT_EQ((*tree)["statements"].size(), 1u) << *out;
    EXPECT_EQ((*tree)["statements"][0]["node"]["type"], "SELECT_NODE") << *out;
  }
}

TEST(Parameters, LiteralExpressionsAreConstantsOnly) {
  for (const std::string lit : {"DATE '2024-01-01'", "TIMESTAMP '2024-01-01 00:00:00'", "(-5)",
                                "[1, 2, 3]", "'it''s'", "TRUE", "1.5"}) {
    SCOPED_TRACE(lit);
    EXPECT_TRUE(policy::literal_expression(lit).ok());
  }
  for (const std::string lit : {"(SELECT 1)", "x", "now()", "1 + x"}) {
    SCOPED_TRACE(lit);
    EXPECT_FALSE(policy::literal_expression(lit).ok());
  }
}

TEST(Parameters, AnUnboundMarkerIsNotRendered) {
  auto out = policy::bind_in_tree(
      "SELECT a FROM t WHERE a = $x",
      [](const json&) -> Result<std::optional<json>> { return std::optional<json>{}; });
  EXPECT_FALSE(out.ok());
}

}  // namespace
}  // namespace cleanroom
