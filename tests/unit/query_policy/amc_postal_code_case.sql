-- about: a CASE comparing a HIGH column hides a filter in the output
-- tables: @amc
-- expect: rejected: may not be compared with literals
SELECT CASE WHEN postal_code = '98101' THEN 'x' ELSE 'y' END AS bucket, COUNT(DISTINCT user_id) FROM dsp_impressions GROUP BY 1
