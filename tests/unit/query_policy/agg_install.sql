-- about: INSTALL an extension
-- tables: @aggregation
-- expect: rejected: only a single SELECT statement
INSTALL httpfs
