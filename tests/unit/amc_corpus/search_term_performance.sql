-- about: search term analysis: impressions, clicks, spend and CTR per search term and match type
-- expect: allowed
-- expect-rows: >0
SELECT customer_search_term, match_type,
       SUM(impressions) AS impressions,
       SUM(clicks) AS clicks,
       SUM(spend) / 100000000.0 AS spend_dollars,
       SUM(clicks) * 1.0 / NULLIF(SUM(impressions), 0) AS ctr
FROM sponsored_ads_traffic
WHERE customer_search_term IS NOT NULL
GROUP BY customer_search_term, match_type
