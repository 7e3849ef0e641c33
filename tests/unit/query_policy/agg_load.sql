-- about: LOAD an extension
-- tables: @aggregation
-- expect: rejected: only a single SELECT statement
LOAD httpfs
