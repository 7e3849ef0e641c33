-- about: issue 12 attack 4, in HAVING: ln(0) raises only for a group whose sum is zero; wrapped in TRY it answers NULL and the query succeeds
-- tables: @amc
-- expect: allowed
-- thresholded: yes
-- data: CREATE TABLE dsp_impressions (user_id VARCHAR, campaign VARCHAR, campaign_id INTEGER, impressions DOUBLE, postal_code VARCHAR, bid_price DOUBLE, event_dt DATE);
-- data: INSERT INTO dsp_impressions VALUES ('u1','A',1,0,'98101',1.0,'2024-01-01'), ('u2','B',1,3,'98101',1.5,'2024-01-01'), ('u3','B',1,3,'98101',1.5,'2024-01-01'), ('u4','B',1,3,'98101',1.5,'2024-01-01');
-- expect-kept-rows: 1
SELECT campaign, COUNT(DISTINCT user_id) AS users FROM dsp_impressions GROUP BY campaign HAVING ln(SUM(impressions)) > -1
