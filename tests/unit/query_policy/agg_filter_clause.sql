-- about: an aggregate FILTER testing the identifier
-- tables: @aggregation
-- expect: rejected: is a join column
SELECT segment, COUNT(DISTINCT hashed_email) FILTER (WHERE hashed_email = 'abc123') FROM customers GROUP BY segment
