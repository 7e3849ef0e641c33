-- about: user_id compared with a value
-- tables: @amc
-- expect: rejected: is VERY_HIGH
SELECT campaign, SUM(impressions) FROM dsp_impressions WHERE user_id = 'u1' GROUP BY campaign
