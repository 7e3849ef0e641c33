-- about: impressions, reach and clicks by device type
-- expect: allowed
-- expect-rows: 4
WITH imps AS (
  SELECT device_type, COUNT(DISTINCT user_id) AS reach, SUM(impressions) AS impressions
  FROM dsp_impressions GROUP BY device_type
),
clks AS (
  SELECT device_type, SUM(clicks) AS clicks FROM dsp_clicks GROUP BY device_type
)
SELECT i.device_type, i.reach, i.impressions, c.clicks,
       CAST(c.clicks AS DOUBLE) / i.impressions AS ctr
FROM imps i LEFT JOIN clks c ON i.device_type = c.device_type
