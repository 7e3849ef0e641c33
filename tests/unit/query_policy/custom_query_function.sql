-- about: query() runs SQL text
-- tables: @custom
-- expect: rejected: table functions
SELECT x FROM query('SELECT 1 AS x')
