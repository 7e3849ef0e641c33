-- about: issue 12 attack 4: repeat() with another party's huge number runs out of memory on one row; TRY answers NULL
-- tables: [{"name": "theirs", "owner": "222222222222", "columns": ["secret", "grp", "n", "d", "ts"], "analysisRuleType": "CUSTOM", "analysisRulePolicy": {"v1": {"custom": {"allowedAnalyses": ["ANY_QUERY"], "allowedAnalysisProviders": ["111111111111"], "disallowedOutputColumns": ["secret", "n", "d", "ts"]}}}}, {"name": "mine", "owner": "111111111111", "columns": ["k", "pat", "grp"], "analysisRuleType": "CUSTOM", "analysisRulePolicy": {"v1": {"custom": {"allowedAnalyses": ["ANY_QUERY"], "allowedAnalysisProviders": ["111111111111"]}}}}]
-- runner: 111111111111
-- expect: allowed
-- data: CREATE TABLE theirs (secret VARCHAR, grp VARCHAR, n BIGINT, d DOUBLE, ts TIMESTAMP);
-- data: INSERT INTO theirs VALUES ('12', 'a', 9223372036854775807, 0.0, '2024-01-01'), ('oops', 'a', -9223372036854775808, -1.0, '2024-02-01');
-- data: CREATE TABLE mine (k BIGINT, pat VARCHAR, grp VARCHAR);
-- data: INSERT INTO mine VALUES (9223372036854775807, '(', 'a');
-- expect-kept-rows: 1
SELECT t.grp, COUNT(*) AS c FROM theirs t WHERE repeat(t.secret, CAST(t.n AS BIGINT)) = '' OR TRUE GROUP BY t.grp
