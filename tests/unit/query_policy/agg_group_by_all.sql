-- about: GROUP BY ALL groups by whatever is selected
-- tables: @aggregation
-- expect: rejected: GROUP BY ALL is not supported
SELECT segment, SUM(spend) FROM customers GROUP BY ALL
