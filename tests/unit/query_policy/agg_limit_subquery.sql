-- about: LIMIT computed from a subquery
-- tables: @aggregation
-- expect: rejected: LIMIT and OFFSET take a whole number
SELECT segment, SUM(spend) FROM customers GROUP BY segment LIMIT (SELECT COUNT(DISTINCT hashed_email) FROM customers)
