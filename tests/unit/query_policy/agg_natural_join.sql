-- about: NATURAL JOIN on every same-named column
-- tables: @aggregation
-- expect: rejected: NATURAL joins are not supported
SELECT segment, SUM(amount) FROM customers NATURAL JOIN purchases GROUP BY segment
