-- about: a literal filter hidden in the join condition
-- tables: @aggregation
-- expect: rejected: is not a join column
SELECT c.segment, SUM(p.amount) FROM customers c JOIN purchases p
  ON c.hashed_email = p.hashed_email AND p.store = 's1' GROUP BY c.segment
