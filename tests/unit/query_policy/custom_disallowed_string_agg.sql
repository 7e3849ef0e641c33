-- about: string_agg lists the column
-- tables: @custom
-- expect: rejected: may not appear in the output
SELECT campaign, string_agg(ip_address, ',') FROM impressions GROUP BY campaign
