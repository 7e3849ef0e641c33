-- about: a Cyrillic letter in the table name
-- tables: @aggregation
-- expect: rejected: is not a table of the collaboration
SELECT segment, SUM(spend) FROM "сustomers" GROUP BY segment
