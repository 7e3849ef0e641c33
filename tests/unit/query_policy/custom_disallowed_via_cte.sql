-- about: passed through a CTE under another name
-- tables: @custom
-- expect: rejected: may not appear in the output
WITH x AS (SELECT hashed_email AS e FROM impressions) SELECT e FROM x
