-- about: size of the added-to-cart-but-did-not-buy audience per advertiser
-- expect: allowed
-- expect-rows: >0
WITH per_user AS (
  SELECT user_id, advertiser_id,
         SUM(total_add_to_cart) AS carts,
         SUM(total_purchases) AS purchases
  FROM amazon_attributed_events_by_conversion_time
  GROUP BY user_id, advertiser_id
)
SELECT advertiser_id, COUNT(DISTINCT user_id) AS abandoners
FROM per_user
WHERE carts > 0 AND purchases = 0
GROUP BY advertiser_id
