-- about: LIKE on a HIGH column
-- tables: @amc
-- expect: rejected: may not be compared with literals
SELECT campaign, COUNT(DISTINCT user_id) FROM dsp_impressions WHERE postal_code LIKE '981%' GROUP BY campaign
