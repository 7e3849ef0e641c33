-- about: impressions and clicks by hour of day in the advertiser's time zone
-- expect: allowed
-- expect-rows: 24
SELECT EXTRACT(HOUR FROM impression_dt) AS hour_of_day,
       SUM(impressions) AS impressions,
       COUNT(DISTINCT user_id) AS reach
FROM dsp_impressions
GROUP BY 1
