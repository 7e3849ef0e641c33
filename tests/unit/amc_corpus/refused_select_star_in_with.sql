-- about: SELECT * inside a WITH, aggregated afterwards
-- expect: rejected: SELECT *
WITH t AS (SELECT * FROM dsp_clicks)
SELECT campaign, SUM(clicks) AS clicks FROM t GROUP BY campaign
