-- about: linear attribution: each user's sales shared equally among the campaigns that touched them
-- expect: allowed
-- expect-rows: >0
WITH touches AS (
  SELECT user_id, campaign, total_product_sales,
         COUNT(*) OVER (PARTITION BY user_id) AS touches_of_user,
         SUM(total_product_sales) OVER (PARTITION BY user_id) AS sales_of_user
  FROM amazon_attributed_events_by_conversion_time
)
SELECT campaign, SUM(sales_of_user / touches_of_user) AS linear_sales,
       COUNT(DISTINCT user_id) AS users
FROM touches
GROUP BY campaign
