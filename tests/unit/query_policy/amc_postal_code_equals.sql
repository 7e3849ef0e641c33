-- about: a HIGH column compared with a literal
-- tables: @amc
-- expect: rejected: is HIGH (AMC privacy) and may not be compared with literals
SELECT campaign, COUNT(DISTINCT user_id) FROM dsp_impressions WHERE postal_code = '98101' GROUP BY campaign
