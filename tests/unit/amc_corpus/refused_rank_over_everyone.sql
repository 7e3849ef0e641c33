-- about: each purchase ranked by sales among all purchases (a window with no partition)
-- expect: rejected: must PARTITION BY its user_id
WITH ranked AS (
  SELECT user_id, campaign,
         RANK() OVER (ORDER BY total_product_sales DESC) AS sales_rank
  FROM amazon_attributed_events_by_conversion_time
)
SELECT campaign, COUNT(DISTINCT user_id) AS users
FROM ranked
WHERE sales_rank <= 5
GROUP BY campaign
