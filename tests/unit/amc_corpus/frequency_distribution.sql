-- about: how many users saw the DSP ads once, twice, three times... (the frequency distribution)
-- expect: allowed
-- expect-rows: >0
-- expect-filtered-rows: >0
WITH per_user AS (
  SELECT user_id, SUM(impressions) AS frequency
  FROM dsp_impressions
  WHERE user_id IS NOT NULL
  GROUP BY user_id
)
SELECT frequency, COUNT(DISTINCT user_id) AS users
FROM per_user
GROUP BY frequency
