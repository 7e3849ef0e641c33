-- about: users in frequency buckets 1, 2-3, 4-7, 8+ with their average impressions
-- expect: allowed
-- expect-rows: 4
WITH per_user AS (
  SELECT user_id, COUNT(*) AS frequency
  FROM dsp_impressions
  WHERE user_id IS NOT NULL
  GROUP BY user_id
),
bucketed AS (
  SELECT user_id, frequency,
         CASE WHEN frequency = 1 THEN '1'
              WHEN frequency <= 3 THEN '2-3'
              WHEN frequency <= 7 THEN '4-7'
              ELSE '8+' END AS bucket
  FROM per_user
)
SELECT bucket, COUNT(DISTINCT user_id) AS users, AVG(frequency) AS avg_frequency
FROM bucketed
GROUP BY bucket
