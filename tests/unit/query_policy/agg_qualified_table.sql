-- about: schema-qualified table names
-- tables: @aggregation
-- expect: rejected: qualified table names
SELECT segment, SUM(spend) FROM main.customers GROUP BY segment
