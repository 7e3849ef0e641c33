-- about: AVG of a column the rule only lets be summed
-- tables: @aggregation
-- expect: rejected: may not be aggregated with AVG
SELECT segment, AVG(age) FROM customers GROUP BY segment
