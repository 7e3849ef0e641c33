-- about: click-through rate per creative, impressions joined to clicks on the creative
-- expect: allowed
-- expect-rows: >0
-- thresholds-inside: yes
WITH imps AS (
  SELECT creative_id, creative, SUM(impressions) AS impressions
  FROM dsp_impressions GROUP BY creative_id, creative
),
clks AS (
  SELECT creative_id, SUM(clicks) AS clicks FROM dsp_clicks GROUP BY creative_id
)
SELECT i.creative_id, i.creative, i.impressions, COALESCE(c.clicks, 0) AS clicks,
       COALESCE(c.clicks, 0) * 1.0 / i.impressions AS ctr
FROM imps i LEFT JOIN clks c ON i.creative_id = c.creative_id
