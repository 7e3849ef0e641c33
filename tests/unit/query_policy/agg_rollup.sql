-- about: ROLLUP adds subtotal rows
-- tables: @aggregation
-- expect: rejected: GROUPING SETS, ROLLUP and CUBE are not supported
SELECT segment, SUM(spend) FROM customers GROUP BY ROLLUP (segment)
