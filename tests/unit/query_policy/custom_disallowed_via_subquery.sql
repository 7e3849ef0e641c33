-- about: passed through a subquery
-- tables: @custom
-- expect: rejected: may not appear in the output
SELECT s.e FROM (SELECT substring(hashed_email, 1, 8) AS e FROM impressions) s
