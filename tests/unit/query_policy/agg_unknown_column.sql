-- about: a column the table does not expose
-- tables: @aggregation
-- expect: rejected: unknown column 'salary'
SELECT segment, SUM(salary) FROM customers GROUP BY segment
