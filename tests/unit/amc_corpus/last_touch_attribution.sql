-- about: last-touch attribution: the campaign of each user's latest traffic before a conversion
-- expect: allowed
-- expect-rows: >0
WITH ranked AS (
  SELECT user_id, campaign, conversions,
         ROW_NUMBER() OVER (PARTITION BY user_id ORDER BY traffic_event_dt_utc DESC) AS recency
  FROM amazon_attributed_events_by_conversion_time
)
SELECT campaign, SUM(conversions) AS last_touch_conversions, COUNT(DISTINCT user_id) AS users
FROM ranked
WHERE recency = 1
GROUP BY campaign
