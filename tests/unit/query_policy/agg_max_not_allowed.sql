-- about: MAX outputs one row value
-- tables: @aggregation
-- expect: rejected: aggregate function max is not allowed
SELECT segment, MAX(spend) FROM customers GROUP BY segment
