-- about: grouping without aggregating lists dimension combinations of single people
-- tables: @aggregation
-- expect: rejected: must compute at least one aggregate
SELECT segment, city FROM customers GROUP BY segment, city
