-- about: a subquery in an expression
-- tables: @amc
-- expect: rejected: subqueries are not allowed
SELECT campaign, COUNT(DISTINCT user_id) FROM dsp_impressions WHERE campaign IN (SELECT conversion_type FROM conversions) GROUP BY campaign
