-- about: SET would undo the sandbox
-- tables: @aggregation
-- expect: rejected: only a single SELECT statement
SET enable_external_access = true
