-- about: reading a file through a table function
-- tables: @aggregation
-- expect: rejected: table functions
SELECT COUNT(DISTINCT column0) FROM read_csv('/etc/passwd')
