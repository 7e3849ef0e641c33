-- about: a join condition comparing a table with itself
-- tables: @aggregation
-- expect: rejected: two different tables
SELECT a.segment, SUM(a.spend) FROM customers a JOIN customers b ON a.hashed_email = a.hashed_email GROUP BY a.segment
