-- about: IN list on a HIGH column
-- tables: @amc
-- expect: rejected: may not be compared with literals
SELECT campaign, COUNT(DISTINCT user_id) FROM dsp_impressions WHERE postal_code IN ('98101', '98102') GROUP BY campaign
