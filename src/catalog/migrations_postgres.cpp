// The migrations as PostgreSQL runs them. Most steps are SQLite's text through the type rules
// below; the few that use what only SQLite has are edited or rewritten here, each with why. The
// schema they build enforces what SQLite's does: the same CHECKs, UNIQUEs, foreign keys (with
// the same ON DELETE), case-insensitive email uniqueness and the triggers that delete a
// resource's tags.
#include <map>
#include <regex>
#include <stdexcept>
#include <string_view>
#include <vector>

#include "catalog/migrations.h"

namespace cleanroom::catalog {
namespace {

// SQLite's storage classes as PostgreSQL types:
//  - INTEGER is 64 bits in SQLite (epoch milliseconds do not fit PostgreSQL's 32-bit integer);
//  - REAL is an 8-byte float;
//  - BLOB is bytes (sealed secrets), which PostgreSQL's text would refuse (NUL, invalid UTF-8);
//  - TEXT compares byte by byte in SQLite (BINARY); PostgreSQL's default is the database's
//    locale, which would order page tokens and names differently from node to node, so every
//    text column is declared in the "C" collation.
std::string with_postgres_types(std::string sql) {
  static const std::vector<std::pair<std::regex, std::string>> rules = {
      {std::regex(R"(\bINTEGER\b)"), "BIGINT"},
      {std::regex(R"(\bREAL\b)"), "DOUBLE PRECISION"},
      {std::regex(R"(\bBLOB\b)"), "BYTEA"},
      {std::regex(R"(\bTEXT\b)"), "TEXT COLLATE \"C\""},
  };
  for (const auto& [pattern, replacement] : rules)
    sql = std::regex_replace(sql, pattern, replacement);
  return sql;
}

struct Edit {
  std::string_view from, to;
};

// Steps whose SQLite text needs a few edits (each `from` must be there).
const std::map<size_t, std::vector<Edit>>& edits() {
  static const std::map<size_t, std::vector<Edit>> e = {
      {0,
       {
           // GLOB is SQLite's; a regular expression says the same: twelve digits.
           {"account_id NOT GLOB '*[^0-9]*'", "account_id ~ '^[0-9]*$'"},
           // COLLATE NOCASE (ASCII case folded) is SQLite's: PostgreSQL's lower() in the C
           // collation folds ASCII exactly so, on a unique index of lower(email). The queries
           // compare lower(email) = lower(?) in both stores.
           {"email         TEXT NOT NULL UNIQUE COLLATE NOCASE,", "email         TEXT NOT NULL,"},
           {"email         TEXT NOT NULL COLLATE NOCASE,", "email         TEXT NOT NULL,"},
           {"ON invitations (advertiser_id, email) WHERE",
            "ON invitations (advertiser_id, lower(email)) WHERE"},
           {"CREATE TABLE user_amc_roles (",
            "CREATE UNIQUE INDEX users_email ON users (lower(email));\nCREATE TABLE user_amc_roles "
            "("},
           // Members are listed in the order they were added (ORDER BY rowid); PostgreSQL has
           // no rowid, so the table gets a column of that name counting insertions.
           {"  updated_at       INTEGER NOT NULL,\n  PRIMARY KEY (collaboration_id, account_id)",
            "  updated_at       INTEGER NOT NULL,\n  rowid            INTEGER GENERATED ALWAYS AS "
            "IDENTITY,\n  PRIMARY KEY (collaboration_id, account_id)"},
       }},
      {24,
       {
           // Triggers: PostgreSQL's run a function (see step 22's text).
           {"CREATE TRIGGER id_mapping_table_tags_go AFTER DELETE ON id_mapping_tables\n"
            "  BEGIN DELETE FROM resource_tags WHERE resource_id = OLD.id_mapping_table_id; END;",
            "CREATE TRIGGER id_mapping_table_tags_go AFTER DELETE ON id_mapping_tables\n"
            "  FOR EACH ROW EXECUTE FUNCTION delete_resource_tags('id_mapping_table_id');"},
           {"CREATE TRIGGER id_namespace_association_tags_go AFTER DELETE ON "
            "id_namespace_associations\n"
            "  BEGIN DELETE FROM resource_tags WHERE resource_id = "
            "OLD.id_namespace_association_id; "
            "END;",
            "CREATE TRIGGER id_namespace_association_tags_go AFTER DELETE ON "
            "id_namespace_associations\n"
            "  FOR EACH ROW EXECUTE FUNCTION delete_resource_tags('id_namespace_association_id');"},
       }},
  };
  return e;
}

// Steps rewritten whole (still through the type rules).
const std::map<size_t, std::string>& rewritten() {
  static const std::map<size_t, std::string> r = {
      // 10: SQLite's JSON functions; PostgreSQL's jsonb ones do the same, keeping the order of
      // the columns.
      {9, R"sql(
UPDATE datasets SET columns = (
  SELECT jsonb_agg(CASE WHEN c.value ->> 'name' = 'user_id'
                        THEN jsonb_set(c.value, '{pii}', '"platform_user_id"')
                        ELSE c.value END ORDER BY c.ord)::text
  FROM jsonb_array_elements(datasets.columns::jsonb) WITH ORDINALITY AS c(value, ord))
WHERE EXISTS (SELECT 1 FROM jsonb_array_elements(datasets.columns::jsonb) AS e(value)
              WHERE e.value ->> 'name' = 'match_rule')
  AND EXISTS (SELECT 1 FROM jsonb_array_elements(datasets.columns::jsonb) AS e(value)
              WHERE e.value ->> 'name' = 'user_id');
)sql"},
      // 17: json_extract is SQLite's; a JSON true or false becomes 1 or 0, as it does there.
      {16, R"sql(
ALTER TABLE protected_queries DROP COLUMN result_config;
ALTER TABLE memberships ADD COLUMN result_bucket TEXT;
ALTER TABLE memberships ADD COLUMN result_key_prefix TEXT NOT NULL DEFAULT '';
ALTER TABLE memberships ADD COLUMN result_format TEXT NOT NULL DEFAULT 'CSV';
ALTER TABLE memberships ADD COLUMN result_single_file_output INTEGER;
ALTER TABLE memberships ADD COLUMN result_role_arn TEXT NOT NULL DEFAULT '';
UPDATE memberships SET
  result_bucket = default_result_config::jsonb #>> '{outputConfiguration,s3,bucket}',
  result_key_prefix = coalesce(default_result_config::jsonb #>> '{outputConfiguration,s3,keyPrefix}', ''),
  result_format = coalesce(default_result_config::jsonb #>> '{outputConfiguration,s3,resultFormat}', 'CSV'),
  result_single_file_output = CASE default_result_config::jsonb #>> '{outputConfiguration,s3,singleFileOutput}'
                              WHEN 'true' THEN 1 WHEN 'false' THEN 0 END,
  result_role_arn = coalesce(default_result_config::jsonb ->> 'roleArn', '')
WHERE default_result_config IS NOT NULL;
ALTER TABLE memberships DROP COLUMN default_result_config;
)sql"},
      // 18: json_extract again.
      {17, R"sql(
ALTER TABLE members ADD COLUMN pays_for_queries INTEGER;
UPDATE members SET pays_for_queries = CASE payment_config::jsonb #>> '{queryCompute,isResponsible}'
                                      WHEN 'true' THEN 1 WHEN 'false' THEN 0 END
WHERE payment_config IS NOT NULL;
ALTER TABLE members DROP COLUMN payment_config;
ALTER TABLE memberships ADD COLUMN pays_for_queries INTEGER;
UPDATE memberships SET pays_for_queries = CASE payment_config::jsonb #>> '{queryCompute,isResponsible}'
                                          WHEN 'true' THEN 1 WHEN 'false' THEN 0 END
WHERE payment_config IS NOT NULL;
ALTER TABLE memberships DROP COLUMN payment_config;
)sql"},
      // 20: SQLite cannot change a CHECK and copies the table; PostgreSQL changes the CHECK.
      {19, R"sql(
ALTER TABLE amc_uploads DROP CONSTRAINT amc_uploads_status_check;
ALTER TABLE amc_uploads ADD CONSTRAINT amc_uploads_status_check
  CHECK (status IN ('PENDING', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED'));
)sql"},
      // 22: a PostgreSQL trigger runs a function: one for every resource kind, told by the
      // trigger which column holds the resource's id (the new row's for the collaboration,
      // which is marked deleted rather than deleted).
      {21, R"sql(
CREATE TABLE resource_tags (
  resource_id TEXT NOT NULL,
  tag_key     TEXT NOT NULL,
  tag_value   TEXT NOT NULL,
  PRIMARY KEY (resource_id, tag_key)
);
CREATE FUNCTION delete_resource_tags() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  resource jsonb;
BEGIN
  IF TG_OP = 'DELETE' THEN resource := to_jsonb(OLD); ELSE resource := to_jsonb(NEW); END IF;
  DELETE FROM resource_tags WHERE resource_id = resource ->> TG_ARGV[0];
  RETURN NULL;
END
$$;
CREATE TRIGGER collaboration_tags_go AFTER UPDATE OF deleted_at ON collaborations
  FOR EACH ROW WHEN (NEW.deleted_at IS NOT NULL)
  EXECUTE FUNCTION delete_resource_tags('collaboration_id');
CREATE TRIGGER configured_table_tags_go AFTER DELETE ON configured_tables
  FOR EACH ROW EXECUTE FUNCTION delete_resource_tags('configured_table_id');
CREATE TRIGGER association_tags_go AFTER DELETE ON configured_table_associations
  FOR EACH ROW EXECUTE FUNCTION delete_resource_tags('association_id');
CREATE TRIGGER analysis_template_tags_go AFTER DELETE ON analysis_templates
  FOR EACH ROW EXECUTE FUNCTION delete_resource_tags('analysis_template_id');
CREATE TRIGGER privacy_budget_template_tags_go AFTER DELETE ON privacy_budget_templates
  FOR EACH ROW EXECUTE FUNCTION delete_resource_tags('privacy_budget_template_id');
)sql"},
  };
  return r;
}

std::string postgres_step(size_t index) {
  if (auto it = rewritten().find(index); it != rewritten().end())
    return with_postgres_types(it->second);
  std::string sql = migrations().at(index);
  if (auto it = edits().find(index); it != edits().end()) {
    for (const Edit& e : it->second) {
      size_t at = sql.find(e.from);
      // A step's text is fixed once released, so an edit that no longer applies is a bug here.
      if (at == std::string::npos)
        throw std::logic_error("migration " + std::to_string(index + 1) +
                               ": PostgreSQL edit does not apply: " + std::string(e.from));
      sql.replace(at, e.from.size(), e.to);
    }
  }
  return with_postgres_types(std::move(sql));
}

}  // namespace

std::string migration_sql(Dialect dialect, size_t index) {
  if (dialect == Dialect::Sqlite) return migrations().at(index);
  return postgres_step(index);
}

}  // namespace cleanroom::catalog
