-- about: not SQL
-- tables: @aggregation
-- expect: rejected: not valid SQL
SELEC segment FROM customers
