-- about: sampling a table
-- tables: @aggregation
-- expect: rejected: unsupported SQL feature
SELECT segment, SUM(spend) FROM customers TABLESAMPLE 50% GROUP BY segment
