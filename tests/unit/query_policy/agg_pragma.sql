-- about: PRAGMA
-- tables: @aggregation
-- expect: rejected: only a single SELECT statement
PRAGMA database_list
