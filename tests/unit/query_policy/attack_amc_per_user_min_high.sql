-- about: a per-user WITH picks a HIGH value with MIN
-- tables: @amc
-- expect: rejected: would output one value
WITH u AS (SELECT user_id, MIN(postal_code) AS pc FROM dsp_impressions GROUP BY user_id)
SELECT pc, COUNT(DISTINCT user_id) AS n FROM u GROUP BY pc
