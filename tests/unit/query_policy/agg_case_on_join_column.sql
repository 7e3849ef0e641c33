-- about: CASE testing an identifier turns it into an output bit
-- tables: @aggregation
-- expect: rejected: is a join column
SELECT CASE WHEN hashed_email = 'abc123' THEN 1 ELSE 0 END AS hit, COUNT(DISTINCT hashed_email)
FROM customers GROUP BY 1
