-- about: a per-user WITH renames user_id and the output groups by it
-- tables: @amc
-- expect: rejected: is VERY_HIGH
WITH u AS (SELECT user_id AS who, COUNT(*) AS n FROM dsp_impressions GROUP BY user_id)
SELECT who, SUM(n) AS n FROM u GROUP BY who
