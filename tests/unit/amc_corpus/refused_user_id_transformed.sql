-- about: user ids bucketed by their value (a VERY_HIGH column transformed)
-- expect: rejected: is VERY_HIGH
SELECT user_id % 10 AS user_bucket, COUNT(*) AS impressions
FROM dsp_impressions
GROUP BY 1
