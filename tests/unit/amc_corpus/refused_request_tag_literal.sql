-- about: the conversions of one impression picked by its request_tag (literal on a VERY_HIGH column)
-- expect: rejected: is VERY_HIGH
SELECT campaign, SUM(conversions) AS conversions
FROM amazon_attributed_events_by_conversion_time
WHERE request_tag = 'CC085A3BE7A11B22'
GROUP BY campaign
