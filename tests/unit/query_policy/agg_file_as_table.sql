-- about: a string literal used as a table is a file path
-- tables: @aggregation
-- expect: rejected: a file path is not a table
SELECT COUNT(DISTINCT column0) FROM '/etc/passwd'
