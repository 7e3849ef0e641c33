-- about: the order of the first two campaigns on a converting user's path (ROW_NUMBER per user)
-- expect: allowed
-- expect-rows: >0
WITH touches AS (
  SELECT user_id, campaign, traffic_event_dt_utc,
         ROW_NUMBER() OVER (PARTITION BY user_id ORDER BY traffic_event_dt_utc) AS step
  FROM amazon_attributed_events_by_traffic_time
),
firsts AS (
  SELECT user_id,
         MAX(CASE WHEN step = 1 THEN campaign END) AS first_campaign,
         MAX(CASE WHEN step = 2 THEN campaign END) AS second_campaign
  FROM touches
  GROUP BY user_id
)
SELECT first_campaign, COALESCE(second_campaign, '(none)') AS second_campaign,
       COUNT(DISTINCT user_id) AS users
FROM firsts
GROUP BY 1, 2
