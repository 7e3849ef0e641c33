-- about: SHOW TABLES parses as a SELECT over the catalog
-- tables: @aggregation
-- expect: rejected: unsupported FROM clause
SHOW TABLES
