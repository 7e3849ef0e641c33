-- about: distinctUserCountColumn (REMOVE_ROWS): each delivered row answers its distinct users as the threshold counts them; the single-user campaigns B and C are dropped, so no count of 1 is ever shown
-- tables: @amc
-- filtered-rows: {"userCount": "du_count"}
-- expect: allowed
-- thresholded: yes
-- data: CREATE TABLE dsp_impressions (user_id VARCHAR, campaign VARCHAR, campaign_id INTEGER, impressions DOUBLE, postal_code VARCHAR, bid_price DOUBLE, event_dt DATE);
-- data: INSERT INTO dsp_impressions VALUES ('u1','A',1,5,'98101',1.0,'2024-01-01'), ('u2','A',1,3,'98101',1.5,'2024-01-01'), ('u3','A',1,2,'98101',1.2,'2024-01-02'), ('u1','A',1,1,'98101',1.0,'2024-01-03'), ('u4','B',2,7,'98102',2.0,'2024-01-02'), ('u5','C',3,9,'98103',2.0,'2024-01-02');
-- expect-rows: 3
-- expect-kept: A,11,4,3
SELECT campaign, SUM(impressions) AS imp, COUNT(*) AS events FROM dsp_impressions WHERE bid_price > 0 GROUP BY campaign
