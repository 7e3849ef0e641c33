-- about: concatenating the identifier into a dimension
-- tables: @aggregation
-- expect: rejected: is a join column
SELECT segment || hashed_email AS s, SUM(spend) FROM customers GROUP BY 1
