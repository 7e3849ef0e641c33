-- about: clicks and reach per targeting and match type, automatic targets labelled
-- expect: allowed
-- expect-rows: >0
SELECT COALESCE(match_type, 'AUTO') AS match_type, targeting,
       SUM(clicks) AS clicks, COUNT(DISTINCT user_id) AS users
FROM sponsored_ads_traffic
GROUP BY 1, 2
