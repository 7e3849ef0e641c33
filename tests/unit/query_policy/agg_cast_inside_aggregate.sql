-- about: a CAST inside SUM would put the identifier into a conversion error
-- tables: @aggregation
-- expect: rejected: aggregate functions take a column as it is
SELECT segment, SUM(CAST(hashed_email AS INTEGER)) FROM customers GROUP BY segment
