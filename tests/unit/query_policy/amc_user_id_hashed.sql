-- about: user_id transformed and grouped
-- tables: @amc
-- expect: rejected: is VERY_HIGH
SELECT md5(user_id) AS h, COUNT(*) FROM dsp_impressions GROUP BY 1
