-- about: a prepared-statement parameter
-- tables: @aggregation
-- expect: rejected: query parameters are not allowed
SELECT segment, SUM(spend) FROM customers WHERE city = ? GROUP BY segment
