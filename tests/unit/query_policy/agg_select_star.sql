-- about: SELECT *
-- tables: @aggregation
-- expect: rejected: SELECT * and COLUMNS(...) are not allowed
SELECT * FROM customers
