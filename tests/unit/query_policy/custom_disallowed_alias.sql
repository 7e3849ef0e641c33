-- about: renamed
-- tables: @custom
-- expect: rejected: ip_address of table impressions may not appear in the output
SELECT ip_address AS region FROM impressions
