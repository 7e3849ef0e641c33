-- about: a regular expression on a HIGH column
-- tables: @amc
-- expect: rejected: may not be compared with literals
SELECT campaign, COUNT(DISTINCT user_id) FROM dsp_impressions WHERE regexp_matches(postal_code, '^981') GROUP BY campaign
