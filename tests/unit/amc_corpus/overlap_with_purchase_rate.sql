-- about: purchase rate of users exposed to DSP, sponsored products or both
-- expect: allowed
-- expect-rows: >0
WITH dsp AS (
  SELECT user_id, 1 AS saw_dsp FROM dsp_impressions WHERE user_id IS NOT NULL GROUP BY user_id
),
sp AS (
  SELECT user_id, 1 AS saw_sp FROM sponsored_ads_traffic WHERE user_id IS NOT NULL GROUP BY user_id
),
buyers AS (
  SELECT user_id, SUM(total_purchases) AS purchases
  FROM amazon_attributed_events_by_conversion_time GROUP BY user_id
),
exposed AS (
  SELECT COALESCE(d.user_id, s.user_id) AS user_id,
         COALESCE(d.saw_dsp, 0) AS saw_dsp, COALESCE(s.saw_sp, 0) AS saw_sp
  FROM dsp d FULL OUTER JOIN sp s ON d.user_id = s.user_id
)
SELECT e.saw_dsp, e.saw_sp,
       COUNT(DISTINCT e.user_id) AS users,
       COUNT(DISTINCT CASE WHEN b.purchases > 0 THEN e.user_id END) AS purchasers
FROM exposed e LEFT JOIN buyers b ON e.user_id = b.user_id
GROUP BY e.saw_dsp, e.saw_sp
