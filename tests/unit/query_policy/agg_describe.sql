-- about: DESCRIBE parses as a SELECT over the catalog
-- tables: @aggregation
-- expect: rejected: unsupported FROM clause
DESCRIBE customers
