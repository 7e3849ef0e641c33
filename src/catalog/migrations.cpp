#include "catalog/migrations.h"

namespace cleanroom::catalog {

const std::vector<std::string>& migrations() {
  static const std::vector<std::string> steps = {
      // 1: accounts, users and the AMC instance with its collaboration.
      R"sql(
CREATE TABLE settings (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
-- Clean Rooms principals: 12-digit account ids. platform_role is set for the platform's own
-- service accounts (one per role) and NULL for customers.
CREATE TABLE accounts (
  account_id    TEXT PRIMARY KEY CHECK (length(account_id) = 12 AND account_id NOT GLOB '*[^0-9]*'),
  name          TEXT NOT NULL,
  platform_role TEXT UNIQUE,
  created_at    INTEGER NOT NULL
);
CREATE TABLE access_keys (
  access_key_id TEXT PRIMARY KEY,
  account_id    TEXT NOT NULL REFERENCES accounts (account_id),
  secret_sealed BLOB NOT NULL,  -- AES-256-GCM under the data dir's master key
  created_at    INTEGER NOT NULL
);
CREATE TABLE amc_accounts (
  advertiser_id  TEXT PRIMARY KEY,
  name           TEXT NOT NULL,
  marketplace_id TEXT NOT NULL,
  created_at     INTEGER NOT NULL
);
CREATE TABLE users (
  user_id       TEXT PRIMARY KEY,
  email         TEXT NOT NULL UNIQUE COLLATE NOCASE,
  client_id     TEXT NOT NULL UNIQUE,
  token_hash    TEXT NOT NULL UNIQUE,  -- SHA-256 of the bearer token
  password_hash TEXT,                  -- salted PBKDF2, for the console
  is_operator   INTEGER NOT NULL DEFAULT 0,
  created_at    INTEGER NOT NULL
);
CREATE TABLE user_amc_roles (
  user_id       TEXT NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
  advertiser_id TEXT NOT NULL REFERENCES amc_accounts (advertiser_id),
  role          TEXT NOT NULL CHECK (role IN ('ADMIN', 'USER')),
  PRIMARY KEY (user_id, advertiser_id)
);
CREATE TABLE user_aws_roles (
  user_id    TEXT NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
  account_id TEXT NOT NULL REFERENCES accounts (account_id),
  role       TEXT NOT NULL CHECK (role IN ('ADMIN', 'USER')),
  PRIMARY KEY (user_id, account_id)
);
CREATE TABLE invitations (
  invitation_id TEXT PRIMARY KEY,
  advertiser_id TEXT NOT NULL REFERENCES amc_accounts (advertiser_id),
  email         TEXT NOT NULL COLLATE NOCASE,
  role          TEXT NOT NULL CHECK (role IN ('ADMIN', 'USER')),
  status        TEXT NOT NULL CHECK (status IN ('PENDING', 'ACCEPTED', 'REVOKED')),
  invited_by    TEXT NOT NULL REFERENCES users (user_id),
  created_at    INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL
);
CREATE UNIQUE INDEX invitations_pending ON invitations (advertiser_id, email) WHERE status = 'PENDING';

CREATE TABLE collaborations (
  collaboration_id         TEXT PRIMARY KEY,
  name                     TEXT NOT NULL,
  description              TEXT NOT NULL,
  creator_account_id       TEXT NOT NULL,
  creator_display_name     TEXT NOT NULL,
  query_log_status         TEXT NOT NULL,
  data_encryption_metadata TEXT,            -- JSON, as given at creation
  analytics_engine         TEXT,
  created_at               INTEGER NOT NULL,
  updated_at               INTEGER NOT NULL
);
-- Members are not tied to accounts: an invited account may not have credentials yet.
CREATE TABLE members (
  collaboration_id TEXT NOT NULL REFERENCES collaborations (collaboration_id) ON DELETE CASCADE,
  account_id       TEXT NOT NULL,
  display_name     TEXT NOT NULL,
  abilities        TEXT NOT NULL,           -- JSON array of MemberAbility
  status           TEXT NOT NULL CHECK (status IN ('INVITED', 'ACTIVE', 'LEFT', 'REMOVED')),
  payment_config   TEXT,                    -- JSON PaymentConfiguration
  created_at       INTEGER NOT NULL,
  updated_at       INTEGER NOT NULL,
  PRIMARY KEY (collaboration_id, account_id)
);
CREATE TABLE memberships (
  membership_id          TEXT PRIMARY KEY,
  collaboration_id       TEXT NOT NULL,
  account_id             TEXT NOT NULL,
  status                 TEXT NOT NULL CHECK (status IN ('ACTIVE', 'REMOVED', 'COLLABORATION_DELETED')),
  query_log_status       TEXT NOT NULL,
  default_result_config  TEXT,              -- JSON MembershipProtectedQueryResultConfiguration
  payment_config         TEXT,              -- JSON MembershipPaymentConfiguration
  created_at             INTEGER NOT NULL,
  updated_at             INTEGER NOT NULL,
  UNIQUE (collaboration_id, account_id)     -- one membership per member, ever: no re-joining
);
CREATE INDEX memberships_account ON memberships (account_id);
-- Buckets holding data a member brings into a collaboration; the results bucket must differ.
CREATE TABLE member_data_buckets (
  collaboration_id TEXT NOT NULL,
  account_id       TEXT NOT NULL,
  bucket           TEXT NOT NULL,
  PRIMARY KEY (collaboration_id, account_id, bucket)
);

CREATE TABLE instances (
  instance_id       TEXT PRIMARY KEY,
  advertiser_id     TEXT NOT NULL REFERENCES amc_accounts (advertiser_id),
  marketplace_id    TEXT NOT NULL,
  instance_name     TEXT NOT NULL,
  advertiser_name   TEXT,
  aws_account_id    TEXT NOT NULL,
  creation_status   TEXT NOT NULL,
  collaboration_id  TEXT NOT NULL UNIQUE,  -- survives the collaboration: the instance then shows it as deleted
  idempotency_token TEXT,
  created_by        TEXT NOT NULL,
  created_at        INTEGER NOT NULL,
  updated_at        INTEGER NOT NULL
);
CREATE INDEX instances_advertiser ON instances (advertiser_id);
CREATE UNIQUE INDEX instances_idempotency ON instances (advertiser_id, idempotency_token)
  WHERE idempotency_token IS NOT NULL;
CREATE TABLE instance_advertisers (
  instance_id    TEXT NOT NULL REFERENCES instances (instance_id) ON DELETE CASCADE,
  advertiser_id  TEXT NOT NULL,
  marketplace_id TEXT NOT NULL,
  type           TEXT NOT NULL,
  PRIMARY KEY (instance_id, advertiser_id)
);
CREATE TABLE advertiser_updates (
  update_id   TEXT PRIMARY KEY,
  instance_id TEXT NOT NULL REFERENCES instances (instance_id) ON DELETE CASCADE,
  status      TEXT NOT NULL,
  request     TEXT NOT NULL,      -- JSON body as accepted
  reason      TEXT,
  created_at  INTEGER NOT NULL
);
)sql",
      // 2: datasets (the data a party owns), configured tables, analysis rules, associations.
      R"sql(
-- One row per table an account owns; it points at the current Parquet version. The file is
-- renamed into place before this row is committed, so the row never points at half a file.
CREATE TABLE datasets (
  account_id    TEXT NOT NULL,
  database_name TEXT NOT NULL,
  table_name    TEXT NOT NULL,
  version       INTEGER NOT NULL,
  path          TEXT NOT NULL,      -- relative to the data dir
  columns       TEXT NOT NULL,      -- JSON [{name, type, pii?}]
  row_count     INTEGER NOT NULL,
  bytes         INTEGER NOT NULL,
  source_bucket TEXT,               -- set when registered from a bucket
  created_at    INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL,
  PRIMARY KEY (account_id, database_name, table_name)
);
CREATE TABLE configured_tables (
  configured_table_id TEXT PRIMARY KEY,
  account_id          TEXT NOT NULL,
  name                TEXT NOT NULL,
  description         TEXT,
  database_name       TEXT NOT NULL,
  table_name          TEXT NOT NULL,
  allowed_columns     TEXT NOT NULL,  -- JSON array
  analysis_method     TEXT NOT NULL,
  created_at          INTEGER NOT NULL,
  updated_at          INTEGER NOT NULL
);
CREATE INDEX configured_tables_account ON configured_tables (account_id);
CREATE TABLE configured_table_analysis_rules (
  configured_table_id TEXT NOT NULL REFERENCES configured_tables (configured_table_id) ON DELETE CASCADE,
  type                TEXT NOT NULL CHECK (type IN ('AGGREGATION', 'LIST', 'CUSTOM')),
  policy              TEXT NOT NULL,  -- JSON ConfiguredTableAnalysisRulePolicy
  created_at          INTEGER NOT NULL,
  updated_at          INTEGER NOT NULL,
  PRIMARY KEY (configured_table_id)   -- one rule per configured table
);
CREATE TABLE configured_table_associations (
  association_id      TEXT PRIMARY KEY,
  membership_id       TEXT NOT NULL,
  configured_table_id TEXT NOT NULL REFERENCES configured_tables (configured_table_id),
  name                TEXT NOT NULL,
  description         TEXT,
  role_arn            TEXT NOT NULL,
  created_at          INTEGER NOT NULL,
  updated_at          INTEGER NOT NULL,
  UNIQUE (membership_id, name)
);
)sql",
      // 3: deleting a collaboration keeps its row (marked deleted), so the memberships left behind
      // (COLLABORATION_DELETED) still show its name, creator and the member's abilities.
      R"sql(
ALTER TABLE collaborations ADD COLUMN deleted_at INTEGER;
)sql",
      // 4: protected queries: one row per query, its state machine persisted so that nothing is
      // lost on a crash (a query interrupted by a restart ends FAILED with the reason), and the
      // AMC threshold of each collaboration.
      R"sql(
CREATE TABLE protected_queries (
  protected_query_id TEXT PRIMARY KEY,
  collaboration_id   TEXT NOT NULL,
  membership_id      TEXT NOT NULL,
  account_id         TEXT NOT NULL,     -- the member that started it
  query_text         TEXT NOT NULL,     -- as submitted (the template's text for a template)
  analysis_template_arn TEXT,
  parameters         TEXT,              -- JSON object, for a template
  result_config      TEXT NOT NULL,     -- JSON ProtectedQueryResultConfiguration as given
  receiver_account_id TEXT NOT NULL,
  result_bucket      TEXT NOT NULL,
  result_key_prefix  TEXT NOT NULL,
  result_format      TEXT NOT NULL CHECK (result_format IN ('CSV', 'PARQUET')),
  status             TEXT NOT NULL,
  error_code         TEXT,
  error_message      TEXT,
  result_location    TEXT,
  rows_written       INTEGER,
  rows_filtered      INTEGER,
  created_at_ms      INTEGER NOT NULL,
  started_at_ms      INTEGER,
  finished_at_ms     INTEGER
);
CREATE INDEX protected_queries_collaboration ON protected_queries (collaboration_id, created_at_ms);
CREATE INDEX protected_queries_membership ON protected_queries (membership_id, created_at_ms);
ALTER TABLE collaborations ADD COLUMN amc_threshold INTEGER NOT NULL DEFAULT 100;
)sql",
      // 5: AMC advertiser data sets: the definition each upload is read by (the data itself is
      // a dataset of the instance's AWS account, database = instance id, table = dataSetId),
      // and the uploads with their outcome.
      R"sql(
CREATE TABLE amc_datasets (
  instance_id    TEXT NOT NULL REFERENCES instances (instance_id) ON DELETE CASCADE,
  data_set_id    TEXT NOT NULL,
  account_id     TEXT NOT NULL,      -- owner of the dataset: the instance's awsAccountId
  description    TEXT,
  data_set_type  TEXT NOT NULL CHECK (data_set_type IN ('FACT', 'DIMENSION')),
  period         TEXT NOT NULL,
  file_format    TEXT NOT NULL CHECK (file_format IN ('CSV', 'JSON')),
  country_code   TEXT,
  columns        TEXT NOT NULL,      -- JSON [{name, description, dataType, columnType, nullable,
                                     --        isMainEventTime, identifierType?}]
  created_at     INTEGER NOT NULL,
  updated_at     INTEGER NOT NULL,
  PRIMARY KEY (instance_id, data_set_id)
);
CREATE TABLE amc_uploads (
  upload_id      TEXT PRIMARY KEY,
  instance_id    TEXT NOT NULL REFERENCES instances (instance_id) ON DELETE CASCADE,
  data_set_id    TEXT NOT NULL,
  status         TEXT NOT NULL CHECK (status IN ('SUCCEEDED', 'FAILED')),
  message        TEXT,               -- why it failed: the line or row and the reason
  source         TEXT NOT NULL,      -- JSON: the dataSource, fileFormat and countryCode used
  version        INTEGER,            -- the dataset version it wrote
  row_count      INTEGER,
  created_at     INTEGER NOT NULL,
  updated_at     INTEGER NOT NULL
);
CREATE INDEX amc_uploads_dataset ON amc_uploads (instance_id, data_set_id, created_at);
)sql",
      // 6: AMC reporting: saved workflows and workflow executions. An
      // execution is the Query Submitter's protected query plus what the caller asked for; its
      // state is the protected query's, so it is not copied here.
      R"sql(
CREATE TABLE amc_workflows (
  instance_id      TEXT NOT NULL REFERENCES instances (instance_id) ON DELETE CASCADE,
  workflow_id      TEXT NOT NULL,
  sql_query        TEXT NOT NULL,
  input_parameters TEXT NOT NULL,     -- JSON [{name, dataType, columnType, defaultValue, description}]
  filtered_metrics_discriminator_column TEXT,
  distinct_user_count_column TEXT,
  filtered_reason_column TEXT,
  created_by       TEXT NOT NULL,     -- user id
  created_at       INTEGER NOT NULL,
  updated_at       INTEGER NOT NULL,
  PRIMARY KEY (instance_id, workflow_id)
);
CREATE TABLE amc_workflow_executions (
  execution_id       TEXT PRIMARY KEY,
  instance_id        TEXT NOT NULL REFERENCES instances (instance_id) ON DELETE CASCADE,
  workflow_id        TEXT NOT NULL,   -- no foreign key: a saved workflow may be deleted later
  saved_workflow     INTEGER NOT NULL,
  workflow           TEXT NOT NULL,   -- JSON: the definition that ran
  protected_query_id TEXT NOT NULL REFERENCES protected_queries (protected_query_id),
  membership_id      TEXT NOT NULL,   -- the Query Submitter's membership
  time_window_start  TEXT NOT NULL,
  time_window_end    TEXT NOT NULL,
  time_window_time_zone TEXT NOT NULL,
  time_window_type   TEXT NOT NULL,
  parameter_values   TEXT NOT NULL,   -- JSON object, as given
  created_by         TEXT NOT NULL,   -- user id
  created_at_ms      INTEGER NOT NULL
);
CREATE INDEX amc_workflow_executions_instance
  ON amc_workflow_executions (instance_id, created_at_ms);
)sql",
      // 7: analysis templates: a member's saved SQL with named parameters, immutable but for
      // its description (clean-rooms-semantics.md, "CUSTOM").
      R"sql(
CREATE TABLE analysis_templates (
  analysis_template_id TEXT PRIMARY KEY,
  arn              TEXT NOT NULL UNIQUE,
  collaboration_id TEXT NOT NULL,
  membership_id    TEXT NOT NULL,
  account_id       TEXT NOT NULL,     -- the creator
  name             TEXT NOT NULL,
  description      TEXT NOT NULL DEFAULT '',
  format           TEXT NOT NULL CHECK (format IN ('SQL')),
  source_text      TEXT NOT NULL,
  parameters       TEXT NOT NULL,     -- JSON [{name, type, defaultValue?}]
  created_at       INTEGER NOT NULL,
  updated_at       INTEGER NOT NULL
);
CREATE INDEX analysis_templates_membership ON analysis_templates (membership_id, analysis_template_id);
CREATE INDEX analysis_templates_collaboration
  ON analysis_templates (collaboration_id, analysis_template_id);
)sql",
      // 8: which platform advertisers (the `advertiser_id` values of the platform tables) belong
      // to which AMC account, as the operator declares them: an instance adds only its own
      // account's advertisers, and reads only their rows (docs/platform-tables.md).
      R"sql(
CREATE TABLE amc_account_advertisers (
  platform_advertiser_id INTEGER PRIMARY KEY,   -- one owner per platform advertiser
  amc_account_id TEXT NOT NULL REFERENCES amc_accounts (advertiser_id),
  created_at     INTEGER NOT NULL
);
CREATE INDEX amc_account_advertisers_account ON amc_account_advertisers (amc_account_id);
)sql",
      // 9: buckets have owners: an account reads from and delivers results to only the buckets
      // it owns. A bucket that exists in the store but has no row here is nobody's
      // (`cleanroom admin bucket create` assigns it).
      R"sql(
CREATE TABLE buckets (
  bucket      TEXT PRIMARY KEY,
  account_id  TEXT NOT NULL REFERENCES accounts (account_id),
  created_at  INTEGER NOT NULL
);
CREATE INDEX buckets_account ON buckets (account_id, bucket);
)sql",
      // 10: the user_id that matching wrote (a dataset with match_rule beside it) is a resolved
      // platform identity: marked, so the checker keeps it VERY_HIGH (data::kResolvedIdentity).
      // Datasets resolved before the mark existed get it here.
      R"sql(
UPDATE datasets SET columns = (
  SELECT json_group_array(CASE WHEN json_extract(c.value, '$.name') = 'user_id'
                               THEN json_set(c.value, '$.pii', 'platform_user_id')
                               ELSE json(c.value) END)
  FROM (SELECT value FROM json_each(datasets.columns) ORDER BY key) AS c)
WHERE EXISTS (SELECT 1 FROM json_each(datasets.columns) WHERE json_extract(value, '$.name') = 'match_rule')
  AND EXISTS (SELECT 1 FROM json_each(datasets.columns) WHERE json_extract(value, '$.name') = 'user_id');
)sql",
      // 11: an AMC execution may fold the rows under a threshold into one thresholded row
      // (filteredMetricsDiscriminatorColumn); the query keeps the option, for its run.
      R"sql(
ALTER TABLE protected_queries ADD COLUMN filtered_rows_column TEXT;
)sql",
      // 12: AMC time windows and schedules. A workflow execution's protected query reads every
      // platform table only for its window (amc_query_windows, UTC epoch seconds, [start, end));
      // an execution keeps the window in UTC beside the wall-clock one it was asked in, and the
      // schedule that created it; schedules run saved workflows Daily or Weekly, and remember the
      // last run they made so that a server that was down runs a missed one once, not N times.
      R"sql(
CREATE TABLE amc_query_windows (
  protected_query_id TEXT PRIMARY KEY
                     REFERENCES protected_queries (protected_query_id) ON DELETE CASCADE,
  start_utc          INTEGER NOT NULL,
  end_utc            INTEGER NOT NULL
);
ALTER TABLE amc_workflow_executions ADD COLUMN time_window_start_utc TEXT;
ALTER TABLE amc_workflow_executions ADD COLUMN time_window_end_utc TEXT;
ALTER TABLE amc_workflow_executions ADD COLUMN schedule_id TEXT;
CREATE TABLE amc_schedules (
  instance_id       TEXT NOT NULL REFERENCES instances (instance_id) ON DELETE CASCADE,
  schedule_id       TEXT NOT NULL,
  workflow_id       TEXT NOT NULL,
  aggregation_period TEXT NOT NULL CHECK (aggregation_period IN ('Daily', 'Weekly')),
  aggregation_hour_utc INTEGER NOT NULL CHECK (aggregation_hour_utc BETWEEN 0 AND 23),
  aggregation_start_day TEXT NOT NULL,
  schedule_enabled  INTEGER NOT NULL,
  created_by        TEXT NOT NULL,   -- user id: its executions run as this user of the account
  created_at        INTEGER NOT NULL,
  updated_at        INTEGER NOT NULL,
  last_run_at       INTEGER,         -- the scheduled instant of the last run made, epoch seconds
  PRIMARY KEY (instance_id, schedule_id)    -- its workflow is checked by the core, in the same
                                             -- transaction as a workflow's deletion
);
CREATE INDEX amc_schedules_workflow ON amc_schedules (instance_id, workflow_id);
)sql",
      // 13: the rest of a workflow's output options (privacyFilteringBehavior, outputColumns as
      // JSON [{name, dataType, ...}]); a protected query keeps them, with the other filtered-row
      // options, for its run (JSON {distinctUserCountColumn, filteredReasonColumn,
      // privacyFilteringBehavior, outputColumns}; core/workflow_output.h).
      R"sql(
ALTER TABLE amc_workflows ADD COLUMN privacy_filtering_behavior TEXT;
ALTER TABLE amc_workflows ADD COLUMN output_columns TEXT;
ALTER TABLE protected_queries ADD COLUMN output_options TEXT;
)sql",
      // 14: privacy budget templates (clean-rooms-semantics.md, "Differential privacy and
      // budgets"): at most one DIFFERENTIAL_PRIVACY template per collaboration and one
      // ACCESS_BUDGET template per configured table association (which takes its template with it
      // when it is deleted), and what queries have spent of each budget in its current period.
      R"sql(
CREATE TABLE privacy_budget_templates (
  privacy_budget_template_id TEXT PRIMARY KEY,
  arn                TEXT NOT NULL UNIQUE,
  privacy_budget_id  TEXT NOT NULL UNIQUE,  -- the id of the budget the template governs
  collaboration_id   TEXT NOT NULL,
  membership_id      TEXT NOT NULL,         -- the creator's
  account_id         TEXT NOT NULL,
  privacy_budget_type TEXT NOT NULL CHECK (privacy_budget_type IN ('DIFFERENTIAL_PRIVACY', 'ACCESS_BUDGET')),
  auto_refresh       TEXT NOT NULL CHECK (auto_refresh IN ('CALENDAR_MONTH', 'NONE')),
  parameters         TEXT NOT NULL,         -- JSON: the type's member of PrivacyBudgetTemplateParametersOutput
  association_id     TEXT UNIQUE REFERENCES configured_table_associations (association_id)
                     ON DELETE CASCADE,     -- ACCESS_BUDGET: the table association it limits
  created_at         INTEGER NOT NULL,
  updated_at         INTEGER NOT NULL
);
CREATE UNIQUE INDEX privacy_budget_templates_dp ON privacy_budget_templates (collaboration_id)
  WHERE privacy_budget_type = 'DIFFERENTIAL_PRIVACY';
CREATE INDEX privacy_budget_templates_membership
  ON privacy_budget_templates (membership_id, privacy_budget_template_id);
CREATE INDEX privacy_budget_templates_collaboration
  ON privacy_budget_templates (collaboration_id, privacy_budget_template_id);
-- One row per budget of a template: 'EPSILON' for differential privacy, else the access budget's
-- period (CALENDAR_DAY, CALENDAR_WEEK, CALENDAR_MONTH, LIFETIME). `spent` counts from
-- `period_start`; a period that has rolled over is reset when next read for a spend.
CREATE TABLE privacy_budget_usage (
  privacy_budget_template_id TEXT NOT NULL
                     REFERENCES privacy_budget_templates (privacy_budget_template_id) ON DELETE CASCADE,
  period             TEXT NOT NULL,
  spent              REAL NOT NULL DEFAULT 0,  -- epsilon, or uses of the table
  period_start       INTEGER NOT NULL,         -- epoch seconds, UTC
  first_spent_at     INTEGER,                  -- the first spend ever, across periods
  updated_at         INTEGER NOT NULL,
  PRIMARY KEY (privacy_budget_template_id, period)
);
)sql",
      // 15: difference checks (docs/difference-checks.md), on unless the operator turns them off
      // for a collaboration (`cleanroom admin collaboration difference-checks`).
      R"sql(
ALTER TABLE collaborations ADD COLUMN difference_checks INTEGER NOT NULL DEFAULT 1;
)sql",
      // 16: what a differentially private query computed, as GetProtectedQuery answers it
      // (JSON [{aggregationType, aggregationExpression, userContributionLimit, minColumnValue,
      // maxColumnValue}]); NULL for other queries.
      R"sql(
ALTER TABLE protected_queries ADD COLUMN differential_privacy TEXT;
)sql",
      // 17: result destinations as the core's own columns, not one face's JSON. A query's
      // configuration as given was never read: where its result goes is in receiver_account_id,
      // result_bucket, result_key_prefix and result_format. A membership's default moves out of
      // Clean Rooms' MembershipProtectedQueryResultConfiguration into columns.
      R"sql(
ALTER TABLE protected_queries DROP COLUMN result_config;
ALTER TABLE memberships ADD COLUMN result_bucket TEXT;  -- NULL: no default destination
ALTER TABLE memberships ADD COLUMN result_key_prefix TEXT NOT NULL DEFAULT '';
ALTER TABLE memberships ADD COLUMN result_format TEXT NOT NULL DEFAULT 'CSV';
ALTER TABLE memberships ADD COLUMN result_single_file_output INTEGER;  -- NULL: not given
ALTER TABLE memberships ADD COLUMN result_role_arn TEXT NOT NULL DEFAULT '';
UPDATE memberships SET
  result_bucket = json_extract(default_result_config, '$.outputConfiguration.s3.bucket'),
  result_key_prefix = coalesce(json_extract(default_result_config, '$.outputConfiguration.s3.keyPrefix'), ''),
  result_format = coalesce(json_extract(default_result_config, '$.outputConfiguration.s3.resultFormat'), 'CSV'),
  result_single_file_output = json_extract(default_result_config, '$.outputConfiguration.s3.singleFileOutput'),
  result_role_arn = coalesce(json_extract(default_result_config, '$.roleArn'), '')
WHERE default_result_config IS NOT NULL;
ALTER TABLE memberships DROP COLUMN default_result_config;
)sql",
      // 18: who pays for query compute as the core's own column, not Clean Rooms'
      // (Membership)PaymentConfiguration JSON. NULL: not given, so as the member's abilities say.
      R"sql(
ALTER TABLE members ADD COLUMN pays_for_queries INTEGER;
UPDATE members SET pays_for_queries = json_extract(payment_config, '$.queryCompute.isResponsible')
WHERE payment_config IS NOT NULL;
ALTER TABLE members DROP COLUMN payment_config;
ALTER TABLE memberships ADD COLUMN pays_for_queries INTEGER;
UPDATE memberships SET pays_for_queries = json_extract(payment_config, '$.queryCompute.isResponsible')
WHERE payment_config IS NOT NULL;
ALTER TABLE memberships DROP COLUMN payment_config;
)sql",
      // 19: a configured table's associations by table: publication and deleting a table read
      // them, and each platform table has one per AMC instance (issue 14).
      R"sql(
CREATE INDEX configured_table_associations_table
  ON configured_table_associations (configured_table_id, membership_id);
)sql",
      // 20: AMC uploads run as jobs (core/upload_jobs.h): PENDING and RUNNING before they end,
      // and CANCELLED as an end. SQLite cannot change a CHECK, so the table is copied.
      R"sql(
CREATE TABLE amc_uploads_v20 (
  upload_id      TEXT PRIMARY KEY,
  instance_id    TEXT NOT NULL REFERENCES instances (instance_id) ON DELETE CASCADE,
  data_set_id    TEXT NOT NULL,
  status         TEXT NOT NULL
                 CHECK (status IN ('PENDING', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED')),
  message        TEXT,               -- why it failed: the line or row and the reason
  source         TEXT NOT NULL,      -- JSON: the dataSource, fileFormat and countryCode used
  version        INTEGER,            -- the dataset version it wrote
  row_count      INTEGER,
  created_at     INTEGER NOT NULL,
  updated_at     INTEGER NOT NULL
);
INSERT INTO amc_uploads_v20 SELECT upload_id, instance_id, data_set_id, status, message, source,
  version, row_count, created_at, updated_at FROM amc_uploads;
DROP TABLE amc_uploads;
ALTER TABLE amc_uploads_v20 RENAME TO amc_uploads;
CREATE INDEX amc_uploads_dataset ON amc_uploads (instance_id, data_set_id, created_at);
)sql",
      // 21: admission counts the queries waiting or running at every start
      // (core/protected_queries.h,
      // QueryLimits); the unfinished are few, every query ever run is many.
      R"sql(
CREATE INDEX protected_queries_status ON protected_queries (status);
)sql",
      // 22: tags an account puts on its own Clean Rooms resources (core/tags.h), by resource id;
      // a resource's tags go with it.
      R"sql(
CREATE TABLE resource_tags (
  resource_id TEXT NOT NULL,
  tag_key     TEXT NOT NULL,
  tag_value   TEXT NOT NULL,
  PRIMARY KEY (resource_id, tag_key)
);
CREATE TRIGGER collaboration_tags_go AFTER UPDATE OF deleted_at ON collaborations
  WHEN NEW.deleted_at IS NOT NULL
  BEGIN DELETE FROM resource_tags WHERE resource_id = NEW.collaboration_id; END;
CREATE TRIGGER configured_table_tags_go AFTER DELETE ON configured_tables
  BEGIN DELETE FROM resource_tags WHERE resource_id = OLD.configured_table_id; END;
CREATE TRIGGER association_tags_go AFTER DELETE ON configured_table_associations
  BEGIN DELETE FROM resource_tags WHERE resource_id = OLD.association_id; END;
CREATE TRIGGER analysis_template_tags_go AFTER DELETE ON analysis_templates
  BEGIN DELETE FROM resource_tags WHERE resource_id = OLD.analysis_template_id; END;
CREATE TRIGGER privacy_budget_template_tags_go AFTER DELETE ON privacy_budget_templates
  BEGIN DELETE FROM resource_tags WHERE resource_id = OLD.privacy_budget_template_id; END;
)sql",
      // 23: a table owner's rules on its association in one collaboration
      // (core/association_rules.h):
      // who may receive results of queries that read the table. One per rule type.
      R"sql(
CREATE TABLE association_analysis_rules (
  association_id TEXT NOT NULL REFERENCES configured_table_associations (association_id)
                 ON DELETE CASCADE,
  rule_type      TEXT NOT NULL CHECK (rule_type IN ('AGGREGATION', 'LIST', 'CUSTOM')),
  result_receivers TEXT,           -- JSON array of account ids; NULL: any member that may receive
  additional_analyses TEXT,        -- JSON array of ARNs, as given
  created_at     INTEGER NOT NULL,
  updated_at     INTEGER NOT NULL,
  PRIMARY KEY (association_id, rule_type)
);
)sql",
      // 24: collaboration change requests (core/change_requests.h): the creator proposes, the
      // other active members vote, the creator commits. A collaboration's auto-approved types.
      R"sql(
ALTER TABLE collaborations ADD COLUMN auto_approved_change_types TEXT NOT NULL DEFAULT '[]';
CREATE TABLE change_requests (
  change_request_id TEXT PRIMARY KEY,
  collaboration_id  TEXT NOT NULL REFERENCES collaborations (collaboration_id),
  status            TEXT NOT NULL
                    CHECK (status IN ('PENDING', 'APPROVED', 'CANCELLED', 'DENIED', 'COMMITTED')),
  is_auto_approved  INTEGER NOT NULL,
  changes           TEXT NOT NULL,  -- JSON: the Change list, with the types each one makes
  approvals         TEXT NOT NULL,  -- JSON: account id -> PENDING | APPROVED | DENIED
  created_at        INTEGER NOT NULL,
  updated_at        INTEGER NOT NULL
);
CREATE INDEX change_requests_collaboration ON change_requests (collaboration_id, change_request_id);
)sql",
      // 25: ID namespace associations and ID mapping tables (docs/id-mapping-tables.md). The
      // mapping itself is a file only the engine reads; its row keeps where it is.
      R"sql(
CREATE TABLE id_namespace_associations (
  id_namespace_association_id TEXT PRIMARY KEY,
  arn                  TEXT NOT NULL,
  collaboration_id     TEXT NOT NULL,
  membership_id        TEXT NOT NULL REFERENCES memberships (membership_id),
  account_id           TEXT NOT NULL,
  name                 TEXT NOT NULL,
  description          TEXT NOT NULL,
  input_reference_arn  TEXT NOT NULL,
  manage_resource_policies INTEGER NOT NULL,
  namespace_type       TEXT NOT NULL CHECK (namespace_type IN ('SOURCE', 'TARGET')),
  configured_table_id  TEXT NOT NULL,
  allow_use_as_dimension_column INTEGER,
  created_at           INTEGER NOT NULL,
  updated_at           INTEGER NOT NULL
);
CREATE INDEX id_namespace_associations_membership
  ON id_namespace_associations (membership_id, id_namespace_association_id);
CREATE INDEX id_namespace_associations_collaboration
  ON id_namespace_associations (collaboration_id, id_namespace_association_id);
CREATE TABLE id_mapping_tables (
  id_mapping_table_id  TEXT PRIMARY KEY,
  arn                  TEXT NOT NULL,
  collaboration_id     TEXT NOT NULL,
  membership_id        TEXT NOT NULL REFERENCES memberships (membership_id),
  account_id           TEXT NOT NULL,
  name                 TEXT NOT NULL,
  description          TEXT NOT NULL,
  input_reference_arn  TEXT NOT NULL,
  manage_resource_policies INTEGER NOT NULL,
  source_association_id TEXT NOT NULL
    REFERENCES id_namespace_associations (id_namespace_association_id),
  target_association_id TEXT NOT NULL
    REFERENCES id_namespace_associations (id_namespace_association_id),
  kms_key_arn          TEXT NOT NULL,
  mapping_path         TEXT NOT NULL,
  source_id_type       TEXT NOT NULL,
  target_id_type       TEXT NOT NULL,
  last_job_id          TEXT NOT NULL,
  populated_at         INTEGER NOT NULL,
  created_at           INTEGER NOT NULL,
  updated_at           INTEGER NOT NULL
);
CREATE INDEX id_mapping_tables_membership
  ON id_mapping_tables (membership_id, id_mapping_table_id);
CREATE INDEX id_mapping_tables_collaboration
  ON id_mapping_tables (collaboration_id, id_mapping_table_id);
CREATE TRIGGER id_mapping_table_tags_go AFTER DELETE ON id_mapping_tables
  BEGIN DELETE FROM resource_tags WHERE resource_id = OLD.id_mapping_table_id; END;
CREATE TRIGGER id_namespace_association_tags_go AFTER DELETE ON id_namespace_associations
  BEGIN DELETE FROM resource_tags WHERE resource_id = OLD.id_namespace_association_id; END;
)sql",
      // 26: AMC user deletion requests (/userDeletionRequest): how many identities and how far
      // the job is; the identities themselves are never stored.
      R"sql(
CREATE TABLE amc_user_deletion_requests (
  request_id     TEXT PRIMARY KEY,
  instance_id    TEXT NOT NULL REFERENCES instances (instance_id) ON DELETE CASCADE,
  status         TEXT NOT NULL
                 CHECK (status IN ('PENDING', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED')),
  identity_count INTEGER NOT NULL,
  message        TEXT,
  created_by     TEXT NOT NULL,
  created_at     INTEGER NOT NULL,
  updated_at     INTEGER NOT NULL
);
CREATE INDEX amc_user_deletion_requests_instance
  ON amc_user_deletion_requests (instance_id, created_at);
)sql",
      // 27: AMC rule-based audiences (/amc/audiences/query): the definition and its latest
      // delivery; the people are never stored.
      R"sql(
CREATE TABLE amc_audiences (
  audience_id       TEXT PRIMARY KEY,
  instance_id       TEXT NOT NULL REFERENCES instances (instance_id) ON DELETE CASCADE,
  name              TEXT NOT NULL,
  description       TEXT,
  query_text        TEXT NOT NULL,
  window_start      INTEGER NOT NULL,
  window_end        INTEGER NOT NULL,
  refresh_rate_days INTEGER NOT NULL,
  status            TEXT NOT NULL
                    CHECK (status IN ('PENDING', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED')),
  status_reason     TEXT,
  audience_count    INTEGER NOT NULL,
  output_location   TEXT,
  deliveries        INTEGER NOT NULL,
  created_by        TEXT NOT NULL,
  created_at        INTEGER NOT NULL,
  updated_at        INTEGER NOT NULL,
  last_run_at       INTEGER NOT NULL
);
CREATE INDEX amc_audiences_instance ON amc_audiences (instance_id, created_at);
)sql",
      // 28: several nodes over one catalog (core/node_presence.h): each serving node beats here;
      // a protected query is run by the node named on it, and adopted by another node when that
      // one stops beating. attempts counts the nodes that took it. A collaboration's queries all
      // run on its home node (since when: since_ms), so that the difference checks see them all.
      R"sql(
CREATE TABLE nodes (
  node_id      TEXT PRIMARY KEY,
  started_ms   INTEGER NOT NULL,
  heartbeat_ms INTEGER NOT NULL
);
ALTER TABLE protected_queries ADD COLUMN node_id TEXT NOT NULL DEFAULT '';
ALTER TABLE protected_queries ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
CREATE INDEX protected_queries_unfinished ON protected_queries (status, node_id);
CREATE TABLE collaboration_homes (
  collaboration_id TEXT PRIMARY KEY,
  node_id          TEXT NOT NULL,
  since_ms         INTEGER NOT NULL
);
-- Failed console sign-ins per lower-cased email (core/sign_in_throttle.h), shared by every node
-- so that spreading guesses over the nodes gains nothing.
-- Console sign-in sessions (core/console_sessions.h): the SHA-256 of the cookie's token only.
CREATE TABLE console_sessions (
  token_hash TEXT PRIMARY KEY,
  user_id    TEXT NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
  csrf_token TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  last_seen  INTEGER NOT NULL
);
CREATE INDEX console_sessions_created ON console_sessions (created_at);
CREATE TABLE sign_in_failures (
  email_key    TEXT PRIMARY KEY,
  failures     INTEGER NOT NULL,
  allowed_at   INTEGER NOT NULL,
  last_failure INTEGER NOT NULL
);
)sql",
      // 29: what else a node runs names it too (core/node_presence.h): an AMC upload, user
      // deletion request or audience run, ended FAILED by another node once its node is silent.
      // The data face's uploads (PUT /datasets, core/dataset_uploads.h) become rows, so that any
      // node answers for them and cancels them: progress is what the node running it last wrote,
      // cancel_requested what another node asks it; dataset is the dataset JSON it wrote.
      R"sql(
ALTER TABLE amc_uploads ADD COLUMN node_id TEXT NOT NULL DEFAULT '';
ALTER TABLE amc_user_deletion_requests ADD COLUMN node_id TEXT NOT NULL DEFAULT '';
ALTER TABLE amc_audiences ADD COLUMN node_id TEXT NOT NULL DEFAULT '';
CREATE INDEX amc_uploads_unfinished ON amc_uploads (status, node_id);
CREATE INDEX amc_user_deletion_requests_unfinished
  ON amc_user_deletion_requests (status, node_id);
CREATE INDEX amc_audiences_unfinished ON amc_audiences (status, node_id);
CREATE TABLE dataset_uploads (
  upload_id        TEXT PRIMARY KEY,
  account_id       TEXT NOT NULL REFERENCES accounts (account_id) ON DELETE CASCADE,
  database_name    TEXT NOT NULL,
  table_name       TEXT NOT NULL,
  status           TEXT NOT NULL
                   CHECK (status IN ('PENDING', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED')),
  bytes_total      INTEGER NOT NULL,
  bytes_done       INTEGER NOT NULL,
  fraction         REAL NOT NULL,
  dataset          TEXT,
  message          TEXT,
  node_id          TEXT NOT NULL,
  cancel_requested INTEGER NOT NULL,
  created_at       INTEGER NOT NULL,
  updated_at       INTEGER NOT NULL
);
CREATE INDEX dataset_uploads_unfinished ON dataset_uploads (status, node_id);
CREATE INDEX dataset_uploads_ended ON dataset_uploads (updated_at);
)sql",
  };
  return steps;
}

}  // namespace cleanroom::catalog
