-- about: campaign and subtype of each user's first conversion as a NAMED_ROW, counted
-- expect: allowed
-- expect-rows: >0
WITH firsts AS (
  SELECT user_id, campaign, conversion_event_subtype,
         ROW_NUMBER() OVER (PARTITION BY user_id ORDER BY conversion_event_dt_utc) AS n
  FROM amazon_attributed_events_by_conversion_time
)
SELECT NAMED_ROW('campaign', campaign, 'subtype', conversion_event_subtype) AS first_conversion,
       COUNT(DISTINCT user_id) AS users
FROM firsts
WHERE n = 1
GROUP BY 1
