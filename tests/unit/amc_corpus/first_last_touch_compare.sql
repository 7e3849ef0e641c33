-- about: first-touch and last-touch conversions side by side per campaign
-- expect: allowed
-- expect-rows: >0
WITH ranked AS (
  SELECT user_id, campaign_id, conversions,
         ROW_NUMBER() OVER (PARTITION BY user_id ORDER BY traffic_event_dt_utc) AS from_first,
         ROW_NUMBER() OVER (PARTITION BY user_id ORDER BY traffic_event_dt_utc DESC) AS from_last
  FROM amazon_attributed_events_by_conversion_time
),
first_touch AS (
  SELECT campaign_id, COUNT(DISTINCT user_id) AS first_users
  FROM ranked WHERE from_first = 1 GROUP BY campaign_id
),
last_touch AS (
  SELECT campaign_id, COUNT(DISTINCT user_id) AS last_users
  FROM ranked WHERE from_last = 1 GROUP BY campaign_id
)
SELECT f.campaign_id, f.first_users, l.last_users
FROM first_touch f FULL OUTER JOIN last_touch l ON f.campaign_id = l.campaign_id
