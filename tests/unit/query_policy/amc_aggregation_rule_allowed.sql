-- about: the rule's minimum 2 and the AMC threshold 3 on the same column: 3 wins
-- tables: @amc_aggregation
-- expect: allowed
-- thresholded: yes
-- data: CREATE TABLE dsp_impressions (user_id VARCHAR, campaign VARCHAR, impressions DOUBLE, postal_code VARCHAR);
-- data: INSERT INTO dsp_impressions VALUES ('u1','A',1,'1'), ('u2','A',1,'1'), ('u3','A',1,'1'), ('u4','B',1,'2'), ('u5','B',1,'2');
-- expect-rows: 2
-- expect-kept-rows: 1
SELECT campaign, COUNT(DISTINCT user_id) AS reach, SUM(impressions) FROM dsp_impressions GROUP BY campaign
