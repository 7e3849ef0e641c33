-- about: hostile analyst: a WHERE that isolates one person (a single bid price) never shows that person's count, through the count column, the reason, or the removed values
-- tables: @amc
-- filtered-rows: {"discriminator": "filtered", "userCount": "du_count", "reason": "why", "behavior": "REMOVE_VALUES"}
-- expect: allowed
-- thresholded: yes
-- data: CREATE TABLE dsp_impressions (user_id VARCHAR, campaign VARCHAR, campaign_id INTEGER, impressions DOUBLE, postal_code VARCHAR, bid_price DOUBLE, event_dt DATE);
-- data: INSERT INTO dsp_impressions VALUES ('u1','A',1,5,'98101',1.0,'2024-01-01'), ('u2','A',1,3,'98101',1.5,'2024-01-01'), ('u3','A',1,2,'98101',1.2,'2024-01-02'), ('u4','B',2,7,'98102',2.25,'2024-01-02');
-- expect-rows: 1
-- expect-kept: NULL,NULL,NULL,true,NULL,'dsp_impressions' users < 3 required
SELECT campaign, SUM(impressions) AS imp, COUNT(DISTINCT user_id) AS users FROM dsp_impressions WHERE bid_price = 2.25 GROUP BY campaign
