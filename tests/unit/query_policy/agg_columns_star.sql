-- about: COLUMNS(regex) expands to columns unseen
-- tables: @aggregation
-- expect: rejected: SELECT * and COLUMNS(...) are not allowed
SELECT COLUMNS('.*email.*') FROM customers
