-- about: a WITH that reads single users' rows and drops user_id before the final aggregate
-- expect: rejected: no longer carry its user_id
WITH clicked AS (
  SELECT campaign, clicks FROM dsp_clicks
)
SELECT campaign, SUM(clicks) AS clicks FROM clicked GROUP BY campaign
