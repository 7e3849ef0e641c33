-- about: listing files
-- tables: @aggregation
-- expect: rejected: table functions
SELECT COUNT(DISTINCT file) FROM glob('/etc/*')
