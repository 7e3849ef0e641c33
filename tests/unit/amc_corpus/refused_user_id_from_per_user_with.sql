-- about: a per-user WITH whose user ids the final SELECT outputs
-- expect: rejected: is VERY_HIGH
WITH per_user AS (
  SELECT user_id, COUNT(*) AS frequency FROM dsp_impressions GROUP BY user_id
)
SELECT user_id, frequency FROM per_user WHERE frequency > 20
