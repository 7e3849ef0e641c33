-- about: new users reached each day (each user counted on the day of their first impression)
-- expect: allowed
-- expect-rows: >0
WITH first_day AS (
  SELECT user_id, MIN(CAST(impression_dt_utc AS DATE)) AS day
  FROM dsp_impressions
  WHERE user_id IS NOT NULL
  GROUP BY user_id
)
SELECT day, COUNT(DISTINCT user_id) AS new_users
FROM first_day
GROUP BY day
