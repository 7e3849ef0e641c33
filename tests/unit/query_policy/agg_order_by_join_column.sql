-- about: ORDER BY a join column (and grouping by it)
-- tables: @aggregation
-- expect: rejected: is a join column
SELECT segment, SUM(spend) FROM customers GROUP BY segment ORDER BY hashed_email
