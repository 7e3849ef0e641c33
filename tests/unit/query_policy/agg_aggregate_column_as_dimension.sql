-- about: grouping by a column the rule only lets be aggregated
-- tables: @aggregation
-- expect: rejected: is an aggregate column
SELECT age, SUM(spend) FROM customers GROUP BY age
