-- about: users reached on one device type only, or on several
-- expect: allowed
-- expect-rows: >0
WITH per_user AS (
  SELECT user_id, COUNT(DISTINCT device_type) AS devices
  FROM dsp_impressions
  WHERE user_id IS NOT NULL
  GROUP BY user_id
)
SELECT devices, COUNT(DISTINCT user_id) AS users
FROM per_user
GROUP BY devices
