-- about: a zero-width space inside a quoted column name
-- tables: @aggregation
-- expect: rejected: unknown column
SELECT "hashed​_email" AS h, SUM(spend) FROM customers GROUP BY 1
