-- about: a literal carried by a CTE column, then compared
-- tables: @amc
-- expect: rejected: may not be compared with literals
WITH x AS (SELECT user_id, postal_code, '98101' AS target FROM dsp_impressions)
SELECT COUNT(DISTINCT user_id) FROM x WHERE postal_code = target
