-- about: a lateral subquery reaching into its neighbour
-- tables: @custom
-- expect: rejected: no table or alias named 'i'
SELECT s.h FROM impressions i, LATERAL (SELECT i.hashed_email AS h FROM orders) s
