-- about: ATTACH opens another database
-- tables: @aggregation
-- expect: rejected: only a single SELECT statement
ATTACH '/tmp/other.db' AS other
