-- about: EXPLAIN
-- tables: @aggregation
-- expect: rejected: only a single SELECT statement
EXPLAIN SELECT segment, SUM(spend) FROM customers GROUP BY segment
