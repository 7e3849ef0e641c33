-- about: conversion lag from a converting user's first impression, in day buckets
-- expect: allowed
-- expect-rows: >0
WITH first_seen AS (
  SELECT user_id, MIN(impression_dt_utc) AS first_impression
  FROM dsp_impressions
  WHERE user_id IS NOT NULL
  GROUP BY user_id
),
first_purchase AS (
  SELECT user_id, MIN(event_dt_utc) AS first_conversion
  FROM conversions
  GROUP BY user_id
)
SELECT CASE WHEN date_diff('day', f.first_impression, p.first_conversion) <= 1 THEN '0-1 days'
            WHEN date_diff('day', f.first_impression, p.first_conversion) <= 7 THEN '2-7 days'
            ELSE '8+ days' END AS lag,
       COUNT(DISTINCT f.user_id) AS users
FROM first_seen f JOIN first_purchase p ON f.user_id = p.user_id
WHERE p.first_conversion > f.first_impression
GROUP BY 1
