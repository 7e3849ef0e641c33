-- about: struct field access on a column
-- tables: @aggregation
-- expect: rejected: one or two parts
SELECT customers.hashed_email.x, SUM(spend) FROM customers GROUP BY 1
