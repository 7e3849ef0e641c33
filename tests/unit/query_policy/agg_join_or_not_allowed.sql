-- about: OR in a join condition, which the customers rule does not allow
-- tables: @aggregation
-- expect: rejected: does not allow OR
SELECT c.segment, SUM(p.amount) FROM customers c JOIN purchases p
  ON c.hashed_email = p.hashed_email OR c.hashed_email = p.hashed_email GROUP BY c.segment
