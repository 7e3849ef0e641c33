-- about: seconds from impression to click per device, joined on the impression's request_tag
-- expect: allowed
-- expect-rows: >0
SELECT c.device_type,
       AVG(date_diff('second', i.impression_dt_utc, c.click_dt_utc)) AS avg_seconds,
       COUNT(*) AS clicks
FROM dsp_clicks c JOIN dsp_impressions i ON c.request_tag = i.request_tag
GROUP BY c.device_type
