-- about: issue 12 attack 3: a LIST rule that lists a resolved identity does not make it listable
-- tables: [{"name": "resolved", "owner": "111111111111", "columns": ["user_id", "k", "segment"], "identityColumns": ["user_id"], "analysisRuleType": "LIST", "analysisRulePolicy": {"v1": {"list": {"joinColumns": ["k"], "listColumns": ["user_id", "segment"]}}}}]
-- runner: 111111111111
-- expect: rejected: column user_id of table resolved is VERY_HIGH
SELECT DISTINCT user_id FROM resolved
