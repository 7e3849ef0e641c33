-- about: an AGGREGATION table with a LIST table
-- tables: @mixed
-- expect: rejected: have analysis rules of different types
SELECT COUNT(DISTINCT c.hashed_email) FROM customers c JOIN audience a ON c.hashed_email = a.hashed_email
