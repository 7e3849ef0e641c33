-- about: grouping by a prefix of the identifier
-- tables: @aggregation
-- expect: rejected: is a join column
SELECT SUBSTRING(hashed_email, 1, 2) AS prefix, COUNT(DISTINCT hashed_email) FROM customers GROUP BY 1
