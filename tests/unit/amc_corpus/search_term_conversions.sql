-- about: purchases and sales attributed to each search term, with its cost and ROAS
-- expect: allowed
-- expect-rows: >0
-- thresholds-inside: yes
WITH traffic AS (
  SELECT customer_search_term, SUM(spend) AS spend, SUM(clicks) AS clicks
  FROM sponsored_ads_traffic
  WHERE customer_search_term IS NOT NULL
  GROUP BY customer_search_term
),
sales AS (
  SELECT customer_search_term, SUM(total_purchases) AS purchases,
         SUM(total_product_sales) AS sales
  FROM amazon_attributed_events_by_traffic_time
  WHERE customer_search_term IS NOT NULL
  GROUP BY customer_search_term
)
SELECT t.customer_search_term, t.clicks, t.spend / 100000000.0 AS spend_dollars,
       s.purchases, s.sales,
       s.sales / NULLIF(t.spend / 100000000.0, 0) AS roas
FROM traffic t LEFT JOIN sales s ON t.customer_search_term = s.customer_search_term
