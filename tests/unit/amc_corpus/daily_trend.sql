-- about: daily impressions, reach and spend (a day of a MEDIUM time needs the threshold)
-- expect: allowed
-- expect-rows: >0
SELECT CAST(impression_dt_utc AS DATE) AS day,
       SUM(impressions) AS impressions,
       COUNT(DISTINCT user_id) AS reach,
       SUM(total_cost) / 100000.0 AS cost_dollars
FROM dsp_impressions
GROUP BY 1
