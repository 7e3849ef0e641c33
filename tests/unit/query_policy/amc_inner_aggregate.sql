-- about: per-user aggregation in a CTE: the groups stay single people's rows, counted by the output
-- tables: @amc
-- expect: allowed
-- thresholded: yes
WITH per_user AS (SELECT user_id, COUNT(*) AS n FROM dsp_impressions GROUP BY user_id)
SELECT n, COUNT(*) FROM per_user GROUP BY n
