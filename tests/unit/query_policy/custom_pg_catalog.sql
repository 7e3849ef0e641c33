-- about: a system catalog
-- tables: @custom
-- expect: rejected: qualified table names
SELECT relname FROM pg_catalog.pg_class
