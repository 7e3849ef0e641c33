-- about: POSITIONAL JOIN pairs rows without a key
-- tables: @aggregation
-- expect: rejected: POSITIONAL joins are not supported
SELECT c.segment, SUM(p.amount) FROM customers c POSITIONAL JOIN purchases p GROUP BY c.segment
