-- about: COALESCE of two platform user ids after a FULL JOIN on another column: each side's rows keep only their own people, so one side's single person cannot ride on the other side's count
-- tables: @amc
-- expect: rejected: no longer carry its user_id
-- data: CREATE TABLE dsp_impressions (user_id VARCHAR, campaign VARCHAR, campaign_id INTEGER, impressions DOUBLE, postal_code VARCHAR, bid_price DOUBLE, event_dt DATE);
-- data: INSERT INTO dsp_impressions VALUES ('u1','A',1,5,'98101',1.0,'2024-01-01'), ('u1','A',1,1,'98101',1.0,'2024-01-02'), ('u2','A',1,3,'98101',1.5,'2024-01-01'), ('u2','A',1,1,'98101',1.5,'2024-01-03'), ('u3','A',1,2,'98101',1.2,'2024-01-02'), ('u4','A',2,1,'98102',2.0,'2024-01-02'), ('u5','B',2,7,'98103',0.5,'2024-01-03'), ('u6','B',3,4,'98103',0.7,'2024-01-03');
-- data: CREATE TABLE conversions (user_id VARCHAR, conversion_type VARCHAR, purchases DOUBLE);
-- data: INSERT INTO conversions VALUES ('u9','purchase',4);
-- data: CREATE TABLE crm_segments (user_id VARCHAR, tier VARCHAR);
-- data: INSERT INTO crm_segments VALUES ('u1','gold'), ('u2','gold'), ('u3','gold'), ('u5','silver'), ('u6','silver');
-- data: CREATE TABLE crm_probe (user_id VARCHAR, segment VARCHAR, k VARCHAR, g VARCHAR);
-- data: INSERT INTO crm_probe VALUES ('u1','x','u1','a'), ('x1','x','x1','a'), ('x2','x','x2','a');
WITH u AS (SELECT COALESCE(i.user_id, c.user_id) AS user_id, c.purchases FROM dsp_impressions i FULL OUTER JOIN conversions c ON i.campaign = c.conversion_type)
SELECT COUNT(DISTINCT user_id) AS users, SUM(purchases) AS p FROM u
