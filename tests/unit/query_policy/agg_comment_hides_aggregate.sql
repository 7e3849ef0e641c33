-- about: a line comment removes the aggregate the reader thinks is there
-- tables: @aggregation
-- expect: rejected: is a join column
SELECT hashed_email -- , SUM(spend)
FROM customers
