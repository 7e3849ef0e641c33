-- about: smuggled through a UNION branch
-- tables: @custom
-- expect: rejected: may not appear in the output
SELECT campaign FROM impressions UNION ALL SELECT ip_address FROM impressions
