-- about: average and median hours from traffic to conversion per ad product, in DuckDB's own date_diff
-- expect: allowed
-- expect-rows: >0
SELECT COALESCE(ad_product_type, 'dsp') AS ad_product,
       AVG(date_diff('second', traffic_event_dt_utc, conversion_event_dt_utc)) / 3600.0 AS avg_hours,
       MEDIAN(date_diff('second', traffic_event_dt_utc, conversion_event_dt_utc)) / 3600.0 AS median_hours,
       COUNT(DISTINCT user_id) AS users
FROM amazon_attributed_events_by_conversion_time
GROUP BY 1
