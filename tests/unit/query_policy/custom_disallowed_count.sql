-- about: even a count of the column derives from it (the stricter reading)
-- tables: @custom
-- expect: rejected: may not appear in the output
SELECT campaign, COUNT(DISTINCT hashed_email) AS people FROM impressions GROUP BY campaign
