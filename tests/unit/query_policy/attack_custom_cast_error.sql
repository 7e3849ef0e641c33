-- about: issue 12 attack 4 without thresholds: a cast of another party's disallowed column that fails on one value would say which value is there; it answers NULL instead
-- tables: [{"name": "theirs", "owner": "222222222222", "columns": ["secret", "grp"], "analysisRuleType": "CUSTOM", "analysisRulePolicy": {"v1": {"custom": {"allowedAnalyses": ["ANY_QUERY"], "allowedAnalysisProviders": ["111111111111"], "disallowedOutputColumns": ["secret"]}}}}]
-- runner: 111111111111
-- expect: allowed
-- thresholded: no
-- data: CREATE TABLE theirs (secret VARCHAR, grp VARCHAR);
-- data: INSERT INTO theirs VALUES ('12', 'a'), ('not a number', 'a');
-- expect-kept-rows: 1
SELECT grp, COUNT(*) AS n FROM theirs WHERE CAST(secret AS INTEGER) > 0 GROUP BY grp
