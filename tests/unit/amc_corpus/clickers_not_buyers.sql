-- about: how many users clicked a sponsored ad but never bought (an audience sized before it is built)
-- expect: allowed
-- expect-rows: 1
SELECT COUNT(DISTINCT user_id) AS clicked_not_bought
FROM sponsored_ads_traffic
WHERE clicks > 0
  AND user_id NOT IN (
    SELECT user_id FROM amazon_attributed_events_by_conversion_time
    WHERE conversion_event_subtype = 'order' AND user_id IS NOT NULL)
