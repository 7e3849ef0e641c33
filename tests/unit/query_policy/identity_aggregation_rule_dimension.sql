-- about: issue 12 attack 3: an AGGREGATION rule that names a resolved identity as a dimension does not make it outputtable
-- tables: [{"name": "resolved", "owner": "111111111111", "columns": ["user_id", "segment", "spend"], "identityColumns": ["user_id"], "analysisRuleType": "AGGREGATION", "analysisRulePolicy": {"v1": {"aggregation": {"aggregateColumns": [{"columnNames": ["spend"], "function": "SUM"}], "joinColumns": [], "dimensionColumns": ["user_id", "segment"], "scalarFunctions": [], "outputConstraints": [{"columnName": "segment", "minimum": 2, "type": "COUNT_DISTINCT"}]}}}}]
-- runner: 111111111111
-- expect: rejected: column user_id of table resolved is VERY_HIGH
SELECT user_id, SUM(spend) AS s FROM resolved GROUP BY user_id
