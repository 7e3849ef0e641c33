-- about: a catalog table function
-- tables: @aggregation
-- expect: rejected: table functions
SELECT COUNT(DISTINCT table_name) FROM duckdb_tables()
