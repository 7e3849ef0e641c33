-- about: quoting and upper case do not hide a join column
-- tables: @aggregation
-- expect: rejected: is a join column
SELECT "HASHED_EMAIL", SUM("Spend") FROM "Customers" GROUP BY 1
