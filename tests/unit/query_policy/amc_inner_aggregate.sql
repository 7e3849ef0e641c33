-- about: per-user aggregation in a CTE
-- tables: @amc
-- expect: rejected: aggregate only in their outermost SELECT
WITH per_user AS (SELECT user_id, COUNT(*) AS n FROM dsp_impressions GROUP BY user_id)
SELECT n, COUNT(*) FROM per_user GROUP BY n
