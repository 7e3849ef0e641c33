-- about: reach of DSP only, sponsored products only, and both (the overlap across ad products)
-- expect: allowed
-- expect-rows: 3
WITH dsp AS (
  SELECT user_id, SUM(impressions) AS dsp_impressions
  FROM dsp_impressions WHERE user_id IS NOT NULL GROUP BY user_id
),
sp AS (
  SELECT user_id, SUM(impressions) AS sp_impressions
  FROM sponsored_ads_traffic WHERE user_id IS NOT NULL GROUP BY user_id
),
combined AS (
  SELECT COALESCE(d.user_id, s.user_id) AS user_id,
         CASE WHEN d.user_id IS NOT NULL AND s.user_id IS NOT NULL THEN 'both'
              WHEN d.user_id IS NOT NULL THEN 'dsp only'
              ELSE 'sponsored products only' END AS exposure
  FROM dsp d FULL OUTER JOIN sp s ON d.user_id = s.user_id
)
SELECT exposure, COUNT(DISTINCT user_id) AS users
FROM combined
GROUP BY exposure
