-- about: a join column filtered with a literal in WHERE singles out one person
-- tables: @aggregation
-- expect: rejected: is a join column
SELECT segment, SUM(spend) FROM customers WHERE hashed_email = 'abc123' GROUP BY segment
