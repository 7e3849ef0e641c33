-- about: the option columns on a query without GROUP BY under REMOVE_ROWS: its one row is delivered unchanged (FALSE, its count, no reason) when it passes
-- tables: @amc
-- filtered-rows: {"discriminator": "filtered", "userCount": "du_count", "reason": "why"}
-- expect: allowed
-- thresholded: yes
-- data: CREATE TABLE dsp_impressions (user_id VARCHAR, campaign VARCHAR, campaign_id INTEGER, impressions DOUBLE, postal_code VARCHAR, bid_price DOUBLE, event_dt DATE);
-- data: INSERT INTO dsp_impressions VALUES ('u1','A',1,5,'98101',1.0,'2024-01-01'), ('u2','A',1,3,'98101',1.5,'2024-01-01'), ('u3','A',1,2,'98101',1.2,'2024-01-02'), ('u4','B',2,7,'98102',2.0,'2024-01-02');
-- expect-rows: 1
-- expect-kept: 17,false,4,NULL
SELECT SUM(impressions) AS imp FROM dsp_impressions WHERE bid_price > 0
