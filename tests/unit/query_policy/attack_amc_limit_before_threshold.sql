-- about: issue 12 attack 5: LIMIT 1 must not come back empty exactly when the first group is a single person: thresholds apply before LIMIT, so the first group that passes is returned (AMC SQL has no ORDER BY outside windows; agg_* cases show the same with ORDER BY)
-- tables: @amc
-- expect: allowed
-- thresholded: yes
-- data: CREATE TABLE dsp_impressions (user_id VARCHAR, campaign VARCHAR, campaign_id INTEGER, impressions DOUBLE, postal_code VARCHAR, bid_price DOUBLE, event_dt DATE);
-- data: INSERT INTO dsp_impressions VALUES ('u1','A',1,5,'98101',1.0,'2024-01-01'), ('u2','A',1,3,'98101',1.5,'2024-01-01'), ('u3','A',1,2,'98101',1.2,'2024-01-02'), ('u4','Z',2,1,'98102',2.0,'2024-01-02');
-- expect-rows: 1
-- expect-kept-rows: 1
SELECT campaign, COUNT(DISTINCT user_id) AS users FROM dsp_impressions GROUP BY campaign LIMIT 1
