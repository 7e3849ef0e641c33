-- about: an outer join keeps unmatched rows of the partner
-- tables: @aggregation
-- expect: rejected: outer joins are not allowed
SELECT c.segment, SUM(p.amount) FROM customers c LEFT JOIN purchases p ON c.hashed_email = p.hashed_email GROUP BY c.segment
