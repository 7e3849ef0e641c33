// What the PostgreSQL catalog rewrites on the way (parameters) and what a banner shows of a
// catalog's URL (no password).
#include <gtest/gtest.h>

#include "catalog/database.h"
#include "catalog/postgres_sql.h"

namespace cleanroom {
namespace {
using catalog::describe_target;
using catalog::postgres_placeholders;

TEST(PostgresPlaceholders, NumbersParametersAsSqliteDoes) {
  EXPECT_EQ(postgres_placeholders("SELECT * FROM t WHERE a = ? AND b = ?"),
            "SELECT * FROM t WHERE a = $1 AND b = $2");
  EXPECT_EQ(postgres_placeholders("WHERE a = ?1 AND (?2 = '' OR b > ?2) LIMIT ?3"),
            "WHERE a = $1 AND ($2 = '' OR b > $2) LIMIT $3");
  // A bare ? takes the number after the largest so far.
  EXPECT_EQ(postgres_placeholders("?3, ?, ?1, ?"), "$3, $4, $1, $5");
  EXPECT_EQ(postgres_placeholders("VALUES (?,?,?)"), "VALUES ($1,$2,$3)");
}

TEST(PostgresPlaceholders, LeavesLiteralsIdentifiersAndCommentsAlone) {
  EXPECT_EQ(postgres_placeholders("SELECT 'a?b', 'it''s ?', \"odd?name\" FROM t WHERE x = ?"),
            "SELECT 'a?b', 'it''s ?', \"odd?name\" FROM t WHERE x = $1");
  EXPECT_EQ(postgres_placeholders("SELECT 1 -- why?\nWHERE x = ? /* and? */ AND y = ?"),
            "SELECT 1 -- why?\nWHERE x = $1 /* and? */ AND y = $2");
  EXPECT_EQ(postgres_placeholders("SELECT 'unterminated ?"), "SELECT 'unterminated ?");
}

TEST(CatalogTarget, APostgresUrlIsShownWithoutItsPassword) {
  EXPECT_TRUE(catalog::is_postgres_target("postgresql://h/db"));
  EXPECT_TRUE(catalog::is_postgres_target("postgres://h/db"));
  EXPECT_FALSE(catalog::is_postgres_target("./var/meta.db"));
  EXPECT_EQ(describe_target("./var/meta.db"), "./var/meta.db");
  EXPECT_EQ(describe_target("postgresql://cr:s3cret@db.internal:5432/catalog"),
            "postgresql://cr:****@db.internal:5432/catalog");
  EXPECT_EQ(describe_target("postgres://cr@db/catalog?sslmode=require&password=s3cret"),
            "postgres://cr@db/catalog?sslmode=require&password=****");
  EXPECT_EQ(describe_target("postgresql://db/catalog?password=s3cret&sslmode=require"),
            "postgresql://db/catalog?password=****&sslmode=require");
  EXPECT_EQ(describe_target("postgresql://db/catalog"), "postgresql://db/catalog");
}

}  // namespace
}  // namespace cleanroom
