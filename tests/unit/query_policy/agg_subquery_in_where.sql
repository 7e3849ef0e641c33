-- about: subqueries are not part of the aggregation shape
-- tables: @aggregation
-- expect: rejected: subqueries are not allowed by AGGREGATION
SELECT segment, SUM(spend) FROM customers
WHERE segment IN (SELECT segment FROM customers WHERE hashed_email = 'abc123')
GROUP BY segment
