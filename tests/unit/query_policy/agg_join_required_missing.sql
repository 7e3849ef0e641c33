-- about: the partner's table alone, without the runner's
-- tables: @aggregation
-- expect: rejected: Inner join to query runner table required for table purchases
SELECT product, SUM(amount) FROM purchases GROUP BY product
