-- about: the ten best search terms (ORDER BY with LIMIT)
-- expect: rejected: allowed only inside window functions
SELECT customer_search_term, SUM(clicks) AS clicks
FROM sponsored_ads_traffic
GROUP BY customer_search_term
ORDER BY clicks DESC
LIMIT 10
