-- about: glued to an allowed column
-- tables: @custom
-- expect: rejected: may not appear in the output
SELECT campaign || ':' || ip_address AS tag FROM impressions
