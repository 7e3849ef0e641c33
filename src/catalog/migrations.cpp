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
  };
  return steps;
}

}  // namespace cleanroom::catalog
