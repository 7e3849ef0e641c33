-- about: two aggregates glued by UNION ALL at the top: each branch is thresholded where it aggregates
-- tables: @amc
-- expect: allowed
-- thresholded: no
SELECT campaign, COUNT(DISTINCT user_id) FROM dsp_impressions GROUP BY campaign
UNION ALL
SELECT conversion_type, COUNT(DISTINCT user_id) FROM conversions GROUP BY conversion_type
