-- about: CALL a table function
-- tables: @aggregation
-- expect: rejected: only a single SELECT statement
CALL pragma_version()
