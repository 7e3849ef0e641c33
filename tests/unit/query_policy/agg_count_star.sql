-- about: COUNT(*) counts no allowed column (the stricter reading)
-- tables: @aggregation
-- expect: rejected: COUNT(*) is not allowed
SELECT segment, COUNT(*) FROM customers GROUP BY segment
