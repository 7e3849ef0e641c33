-- about: ORDER BY outside window functions, which AMC SQL does not have
-- tables: @amc
-- expect: rejected: allowed only inside window functions
SELECT campaign, COUNT(DISTINCT user_id) AS n FROM dsp_impressions GROUP BY campaign ORDER BY n
