-- about: a window function partitioned by the identifier
-- tables: @aggregation
-- expect: rejected: window functions are not allowed by AGGREGATION
SELECT segment, SUM(spend) OVER (PARTITION BY hashed_email) FROM customers
