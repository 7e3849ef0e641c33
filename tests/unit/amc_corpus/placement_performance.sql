-- about: sponsored products performance by placement
-- expect: allowed
-- expect-rows: 3
SELECT placement_type, SUM(impressions) AS impressions, SUM(clicks) AS clicks,
       SUM(spend) / 100000000.0 AS spend_dollars,
       SUM(spend) / 100000000.0 / NULLIF(SUM(clicks), 0) AS cpc_dollars
FROM sponsored_ads_traffic
GROUP BY placement_type
