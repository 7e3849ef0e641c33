-- about: a table associated without an analysis rule
-- tables: @mixed
-- expect: rejected: has no analysis rule
SELECT COUNT(DISTINCT secret) FROM unruled
