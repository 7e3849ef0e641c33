-- about: time to conversion with the impressions' window widened by 30 days (EXTEND_TIME_WINDOW)
-- expect: allowed
-- expect-rows: >0
WITH imps AS (
  SELECT user_id, MIN(impression_dt_utc) AS first_impression
  FROM TABLE(EXTEND_TIME_WINDOW('dsp_impressions', 'P30D', 'P0D'))
  WHERE user_id IS NOT NULL
  GROUP BY user_id
),
convs AS (
  SELECT user_id, MIN(event_dt_utc) AS first_conversion
  FROM conversions
  GROUP BY user_id
)
SELECT FLOOR(SECONDS_BETWEEN(i.first_impression, c.first_conversion) / 86400) AS days,
       COUNT(DISTINCT c.user_id) AS users
FROM convs c JOIN imps i ON c.user_id = i.user_id
GROUP BY 1
