-- about: detail page views, adds to cart and orders per advertiser and traffic type
-- expect: allowed
-- expect-rows: >0
SELECT advertiser, traffic_event_subtype, conversion_event_subtype,
       SUM(conversions) AS conversions, COUNT(DISTINCT user_id) AS users
FROM amazon_attributed_events_by_conversion_time
GROUP BY advertiser, traffic_event_subtype, conversion_event_subtype
