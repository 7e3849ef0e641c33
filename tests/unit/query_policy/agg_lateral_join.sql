-- about: a lateral subquery beside the table
-- tables: @aggregation
-- expect: rejected: cross joins
SELECT c.segment, SUM(c.spend) FROM customers c, LATERAL (SELECT c.hashed_email AS h) l GROUP BY c.segment
