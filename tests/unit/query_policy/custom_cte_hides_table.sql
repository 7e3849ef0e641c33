-- about: a CTE named like a table, to change what 'orders' means
-- tables: @custom
-- expect: rejected: hides a table of the collaboration
WITH orders AS (SELECT hashed_email AS value FROM impressions) SELECT value FROM orders
