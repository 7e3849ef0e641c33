-- about: two partners joined without the runner's table
-- tables: @list
-- expect: rejected: Inner join to query runner table required for table audience
SELECT DISTINCT a.interest, t.topic FROM audience a JOIN topics t ON a.hashed_email = t.hashed_email
