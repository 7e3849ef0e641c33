-- about: the system catalog
-- tables: @aggregation
-- expect: rejected: qualified table names
SELECT COUNT(DISTINCT table_name) FROM information_schema.tables
