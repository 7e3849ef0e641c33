-- about: a scalar subquery answers with one person's value beside thresholded groups
-- tables: @amc
-- expect: rejected: answers with single people's rows
SELECT campaign, COUNT(DISTINCT user_id) AS n, (SELECT purchases FROM conversions LIMIT 1) AS p FROM dsp_impressions GROUP BY campaign
