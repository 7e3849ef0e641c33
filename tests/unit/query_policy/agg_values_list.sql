-- about: VALUES instead of a table
-- tables: @aggregation
-- expect: rejected: subqueries are not allowed
SELECT COUNT(DISTINCT x) FROM (VALUES (1), (2)) v(x)
