-- about: issue 12 attack 10: a trailing -- comment passes the check; what runs is rendered from the checked tree, so it cannot break or extend the statement the engine wraps it in
-- tables: [{"name": "aud", "owner": "111111111111", "columns": ["k", "interest"], "analysisRuleType": "LIST", "analysisRulePolicy": {"v1": {"list": {"joinColumns": ["k"], "listColumns": ["interest"]}}}}]
-- runner: 111111111111
-- expect: allowed
-- thresholded: no
-- data: CREATE TABLE aud (k VARCHAR, interest VARCHAR);
-- data: INSERT INTO aud VALUES ('a', 'golf'), ('b', 'tennis');
-- expect-rows: 2
-- expect-kept-rows: 2
SELECT DISTINCT interest FROM aud -- ) TO '/tmp/x.csv'; SELECT 1 --
