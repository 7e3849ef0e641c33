-- about: a window value partitioned by the identifier
-- tables: @custom
-- expect: rejected: may not appear in the output
SELECT campaign, COUNT(*) OVER (PARTITION BY hashed_email) AS per_person FROM impressions
