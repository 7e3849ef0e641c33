-- about: WITH RECURSIVE
-- tables: @custom
-- expect: rejected: recursive
WITH RECURSIVE r AS (SELECT 1 AS n FROM orders UNION ALL SELECT n + 1 FROM r WHERE n < 10) SELECT n FROM r
