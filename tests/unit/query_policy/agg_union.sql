-- about: UNION smuggling raw identifiers after an aggregate
-- tables: @aggregation
-- expect: rejected: UNION, INTERSECT and EXCEPT are not allowed
SELECT segment, SUM(spend) FROM customers GROUP BY segment
UNION ALL
SELECT hashed_email, 1 FROM customers
