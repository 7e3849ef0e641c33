-- about: CREATE TABLE AS copies data out of the sandbox view
-- tables: @aggregation
-- expect: rejected: only a single SELECT statement
CREATE TABLE stolen AS SELECT hashed_email FROM customers
