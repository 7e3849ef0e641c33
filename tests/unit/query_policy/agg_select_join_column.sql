-- about: a join column is output raw through SELECT
-- tables: @aggregation
-- expect: rejected: is a join column
SELECT hashed_email, SUM(spend) FROM customers GROUP BY hashed_email
