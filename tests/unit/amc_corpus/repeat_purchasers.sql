-- about: buyers with one order versus repeat buyers, per advertiser
-- expect: allowed
-- expect-rows: >0
WITH per_user AS (
  SELECT user_id, advertiser_id, COUNT(DISTINCT conversion_id) AS orders
  FROM conversions
  WHERE event_subtype = 'order'
  GROUP BY user_id, advertiser_id
)
SELECT advertiser_id, CASE WHEN orders > 1 THEN 'repeat' ELSE 'single' END AS buyer,
       COUNT(DISTINCT user_id) AS buyers, SUM(orders) AS orders
FROM per_user
GROUP BY 1, 2
