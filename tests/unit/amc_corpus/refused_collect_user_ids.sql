-- about: the list of converting users' request tags per campaign (COLLECT of a platform column)
-- expect: rejected: is VERY_HIGH
SELECT campaign, COLLECT(request_tag) AS tags
FROM amazon_attributed_events_by_conversion_time
GROUP BY campaign
