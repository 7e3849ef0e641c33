-- about: user_id output raw
-- tables: @amc
-- expect: rejected: is VERY_HIGH
SELECT user_id, SUM(impressions) FROM dsp_impressions GROUP BY user_id
