-- about: the ad products on each converting user's path, as a path string, with its conversions
-- expect: allowed
-- expect-rows: >0
WITH touches AS (
  SELECT user_id, 'DSP' AS product FROM dsp_impressions WHERE user_id IS NOT NULL
  UNION ALL
  SELECT user_id, 'SP' AS product FROM sponsored_ads_traffic WHERE user_id IS NOT NULL
),
per_user AS (
  SELECT user_id,
         MAX(CASE WHEN product = 'DSP' THEN 1 ELSE 0 END) AS dsp,
         MAX(CASE WHEN product = 'SP' THEN 1 ELSE 0 END) AS sp
  FROM touches
  GROUP BY user_id
),
buyers AS (
  SELECT user_id, SUM(total_purchases) AS purchases, SUM(total_product_sales) AS sales
  FROM amazon_attributed_events_by_conversion_time
  GROUP BY user_id
)
SELECT CONCAT(CASE WHEN p.dsp = 1 THEN 'DSP' ELSE '' END,
              CASE WHEN p.dsp = 1 AND p.sp = 1 THEN ' + ' ELSE '' END,
              CASE WHEN p.sp = 1 THEN 'SP' ELSE '' END) AS path,
       COUNT(DISTINCT p.user_id) AS users,
       COUNT(DISTINCT b.user_id) AS converters,
       SUM(b.purchases) AS purchases
FROM per_user p LEFT JOIN buyers b ON p.user_id = b.user_id
GROUP BY 1
