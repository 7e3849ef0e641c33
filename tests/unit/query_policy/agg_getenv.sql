-- about: reading the environment
-- tables: @aggregation
-- expect: rejected: function getenv is not allowed
SELECT segment, SUM(spend) FROM customers WHERE getenv('HOME') = '/root' GROUP BY segment
