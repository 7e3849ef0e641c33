-- about: a scalar function the rule does not list
-- tables: @aggregation
-- expect: rejected: function concat is not allowed by the analysis rule of table customers
SELECT CONCAT(segment, city) AS place, SUM(spend) FROM customers GROUP BY 1
