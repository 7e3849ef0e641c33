-- about: DSP reach by state
-- expect: allowed
-- expect-rows: >0
SELECT iso_state_province_code, COUNT(DISTINCT user_id) AS reach, SUM(impressions) AS impressions
FROM dsp_impressions
GROUP BY iso_state_province_code
