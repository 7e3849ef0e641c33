-- about: a second statement after an allowed one
-- tables: @aggregation
-- expect: rejected: holds 2 statements
SELECT segment, SUM(spend) FROM customers GROUP BY segment; SELECT hashed_email FROM customers
