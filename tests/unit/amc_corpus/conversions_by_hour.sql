-- about: conversions per hour of day (event_hour_utc), with the converting users
-- expect: allowed
-- expect-rows: >0
SELECT event_hour_utc, SUM(conversions) AS conversions, COUNT(DISTINCT user_id) AS users
FROM conversions
GROUP BY event_hour_utc
