-- about: the frequency distribution of each campaign, with its cost per user
-- expect: allowed
-- expect-rows: >0
-- expect-filtered-rows: >0
WITH per_user AS (
  SELECT campaign, user_id, SUM(impressions) AS frequency, SUM(total_cost) AS cost
  FROM dsp_impressions
  WHERE user_id IS NOT NULL
  GROUP BY campaign, user_id
)
SELECT campaign, frequency, COUNT(DISTINCT user_id) AS users,
       SUM(cost) / 100000.0 AS cost_dollars
FROM per_user
GROUP BY campaign, frequency
