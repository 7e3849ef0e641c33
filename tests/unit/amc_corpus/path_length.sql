-- about: how many attributed touches converting users had, bucketed
-- expect: allowed
-- expect-rows: >0
WITH per_user AS (
  SELECT user_id, COUNT(DISTINCT campaign_id) AS campaigns, SUM(conversions) AS conversions
  FROM amazon_attributed_events_by_traffic_time
  GROUP BY user_id
)
SELECT CASE WHEN campaigns >= 3 THEN '3+' ELSE CAST(campaigns AS VARCHAR) END AS campaigns_on_path,
       COUNT(DISTINCT user_id) AS users, SUM(conversions) AS conversions
FROM per_user
GROUP BY 1
