-- about: a join condition that is not an equality of join columns
-- tables: @aggregation
-- expect: rejected: may only equate join columns
SELECT c.segment, SUM(p.amount) FROM customers c JOIN purchases p ON c.hashed_email <> p.hashed_email GROUP BY c.segment
