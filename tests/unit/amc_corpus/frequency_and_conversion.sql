-- about: purchase rate by impression frequency: do users who saw more ads buy more?
-- expect: allowed
-- expect-rows: >0
WITH exposure AS (
  SELECT user_id, COUNT(*) AS frequency
  FROM dsp_impressions
  WHERE user_id IS NOT NULL
  GROUP BY user_id
),
buyers AS (
  SELECT user_id, SUM(total_purchases) AS purchases
  FROM amazon_attributed_events_by_conversion_time
  GROUP BY user_id
)
SELECT CASE WHEN e.frequency >= 10 THEN 10 ELSE e.frequency END AS frequency_capped,
       COUNT(DISTINCT e.user_id) AS reach,
       COUNT(DISTINCT CASE WHEN b.purchases > 0 THEN b.user_id END) AS purchasers
FROM exposure e
LEFT JOIN buyers b ON e.user_id = b.user_id
GROUP BY 1
