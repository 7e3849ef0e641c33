-- about: CASE (a filter hidden in the output) is not a scalar function an aggregation rule can allow
-- tables: @aggregation
-- expect: rejected: comparisons and logical operators are only allowed in WHERE and HAVING
SELECT CASE WHEN city = 'Paris' THEN 'p' ELSE 'other' END AS place, SUM(spend) FROM customers GROUP BY 1
