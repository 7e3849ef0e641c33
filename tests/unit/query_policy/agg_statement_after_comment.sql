-- about: a COPY after a comment that looks like it closes the query
-- tables: @aggregation
-- expect: rejected: only a single SELECT statement
SELECT segment, SUM(spend) FROM customers GROUP BY segment /* ; */ ; COPY customers TO '/tmp/x.csv'
