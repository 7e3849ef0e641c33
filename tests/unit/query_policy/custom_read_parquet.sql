-- about: CUSTOM still reads only tables
-- tables: @custom
-- expect: rejected: table functions
SELECT campaign FROM read_parquet('/data/*.parquet')
