-- about: a window over every platform row puts other people's values on each row
-- tables: @amc
-- expect: rejected: must PARTITION BY its user_id
SELECT campaign, SUM(impressions) OVER () FROM dsp_impressions
