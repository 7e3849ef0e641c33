-- about: grouping by user_id makes one row per person
-- tables: @amc
-- expect: rejected: is VERY_HIGH
SELECT SUM(impressions) FROM dsp_impressions GROUP BY user_id
