-- about: MIN() in HAVING would surface one identifier
-- tables: @aggregation
-- expect: rejected: aggregate function min is not allowed
SELECT segment, SUM(spend) FROM customers GROUP BY segment HAVING MIN(hashed_email) LIKE 'a%'
