-- about: a catalog view by its bare name
-- tables: @aggregation
-- expect: rejected: is not a table of the collaboration
SELECT COUNT(DISTINCT name) FROM sqlite_master
