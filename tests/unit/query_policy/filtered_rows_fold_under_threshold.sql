-- about: the folded row is itself thresholded: two single-user campaigns together are still under 3 users, so with REMOVE_ROWS there is no folded row, no count and no reason
-- tables: @amc
-- filtered-rows: {"discriminator": "filtered", "userCount": "du_count", "reason": "why"}
-- expect: allowed
-- thresholded: yes
-- data: CREATE TABLE dsp_impressions (user_id VARCHAR, campaign VARCHAR, campaign_id INTEGER, impressions DOUBLE, postal_code VARCHAR, bid_price DOUBLE, event_dt DATE);
-- data: INSERT INTO dsp_impressions VALUES ('u1','A',1,5,'98101',1.0,'2024-01-01'), ('u2','A',1,3,'98101',1.5,'2024-01-01'), ('u3','A',1,2,'98101',1.2,'2024-01-02'), ('u4','B',2,7,'98102',2.0,'2024-01-02'), ('u5','C',3,9,'98103',2.0,'2024-01-02');
-- expect-rows: 3
-- expect-kept: A,10,false,3,NULL
SELECT campaign, SUM(impressions) AS imp FROM dsp_impressions WHERE bid_price > 0 GROUP BY campaign
