-- about: EXISTS over single people's rows turns every row on one person's purchase
-- tables: @amc
-- expect: rejected: answers with single people's rows
SELECT COUNT(DISTINCT user_id) AS n FROM dsp_impressions WHERE EXISTS (SELECT 1 FROM conversions WHERE purchases = 4)
