-- about: issue 12 attack 4: whether the query fails must not depend on another party's values. Here the product overflows only on the target's row (age > 40), which the threshold later removes; the checked query wraps the expression in TRY, answers NULL there, and succeeds either way.
-- tables: @amc
-- expect: allowed
-- thresholded: yes
-- data: CREATE TABLE dsp_impressions (user_id VARCHAR, campaign VARCHAR, campaign_id INTEGER, impressions DOUBLE, postal_code VARCHAR, bid_price DOUBLE, event_dt DATE);
-- data: INSERT INTO dsp_impressions VALUES ('u1','A',41,5,'98101',1.0,'2024-01-01'), ('u2','A',1,3,'98101',1.5,'2024-01-01');
-- data: CREATE TABLE crm_segments (user_id VARCHAR, tier VARCHAR);
-- data: INSERT INTO crm_segments VALUES ('u1','probe'), ('u2','probe');
-- data: CREATE TABLE crm_probe (user_id VARCHAR, segment VARCHAR, k BIGINT, g VARCHAR);
-- data: INSERT INTO crm_probe VALUES ('u1','probe',9223372036854775807,'x'), ('u2','probe',9223372036854775807,'x');
-- expect-kept-rows: 0
SELECT c.tier, COUNT(DISTINCT i.user_id) AS users
FROM crm_segments c JOIN dsp_impressions i ON c.user_id = i.user_id
JOIN crm_probe p ON p.segment = c.tier
WHERE c.tier = 'probe' AND CAST(i.campaign_id > 40 AS BIGINT) * p.k + p.k > 0
GROUP BY c.tier
