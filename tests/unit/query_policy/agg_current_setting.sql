-- about: reading the engine's settings
-- tables: @aggregation
-- expect: rejected: function current_setting is not allowed
SELECT segment, SUM(spend) FROM customers WHERE current_setting('threads') = '4' GROUP BY segment
