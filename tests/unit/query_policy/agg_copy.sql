-- about: COPY writes data out
-- tables: @aggregation
-- expect: rejected: only a single SELECT statement
COPY customers TO '/tmp/out.csv'
