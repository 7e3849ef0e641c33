-- about: SUMMARIZE computes min/max of every column
-- tables: @aggregation
-- expect: rejected: unsupported FROM clause
SUMMARIZE customers
