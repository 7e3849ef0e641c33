-- about: time from traffic to conversion in hour buckets (AMC's SECONDS_BETWEEN)
-- expect: allowed
-- expect-rows: >0
SELECT CASE WHEN SECONDS_BETWEEN(traffic_event_dt_utc, conversion_event_dt_utc) < 3600 THEN '< 1 h'
            WHEN SECONDS_BETWEEN(traffic_event_dt_utc, conversion_event_dt_utc) < 86400 THEN '1-24 h'
            ELSE '> 1 day' END AS lag,
       SUM(conversions) AS conversions,
       COUNT(DISTINCT user_id) AS users
FROM amazon_attributed_events_by_conversion_time
GROUP BY 1
