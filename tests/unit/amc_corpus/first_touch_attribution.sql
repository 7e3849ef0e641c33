-- about: first-touch attribution: each purchase credited to the user's first attributed campaign
-- expect: allowed
-- expect-rows: >0
WITH ranked AS (
  SELECT user_id, campaign, total_purchases, total_product_sales,
         FIRST_VALUE(campaign) OVER (PARTITION BY user_id ORDER BY traffic_event_dt_utc) AS first_campaign
  FROM amazon_attributed_events_by_conversion_time
)
SELECT first_campaign, SUM(total_purchases) AS purchases,
       SUM(total_product_sales) AS sales, COUNT(DISTINCT user_id) AS users
FROM ranked
GROUP BY first_campaign
