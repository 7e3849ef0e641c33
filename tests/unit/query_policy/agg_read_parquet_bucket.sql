-- about: reading another dataset directly
-- tables: @aggregation
-- expect: rejected: table functions
SELECT SUM(amount) FROM read_parquet('var/datasets/222222222222/db/purchases/*.parquet')
