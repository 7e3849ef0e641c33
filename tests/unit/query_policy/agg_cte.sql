-- about: a CTE that passes the identifier on
-- tables: @aggregation
-- expect: rejected: WITH (common table expressions) is not allowed
WITH x AS (SELECT hashed_email FROM customers) SELECT COUNT(DISTINCT hashed_email) FROM x
