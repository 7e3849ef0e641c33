-- about: a CASE that tests the column outputs a bit of it
-- tables: @custom
-- expect: rejected: may not appear in the output
SELECT CASE WHEN ip_address LIKE '10.%' THEN 'internal' ELSE 'external' END AS origin FROM impressions
