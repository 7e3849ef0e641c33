-- about: search terms that contain a word, grouped by targeting (LIKE on a LOW column)
-- expect: allowed
-- expect-rows: >0
SELECT targeting, match_type, COUNT(DISTINCT customer_search_term) AS terms,
       SUM(impressions) AS impressions, COUNT(DISTINCT user_id) AS users
FROM sponsored_ads_traffic
WHERE LOWER(customer_search_term) LIKE '%best%' OR customer_search_term LIKE 'cheap %'
GROUP BY targeting, match_type
