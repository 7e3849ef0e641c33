-- about: sponsored products clicks and spend by day of week (AMC's DAYOFWEEK, 1 = Sunday)
-- expect: allowed
-- expect-rows: 7
SELECT DAYOFWEEK(event_dt) AS day_of_week,
       SUM(clicks) AS clicks,
       SUM(spend) / 100000000.0 AS spend_dollars,
       COUNT(DISTINCT user_id) AS users
FROM sponsored_ads_traffic
GROUP BY 1
