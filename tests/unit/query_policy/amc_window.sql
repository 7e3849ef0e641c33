-- about: window functions over platform rows
-- tables: @amc
-- expect: rejected: window functions are not allowed
SELECT campaign, SUM(impressions) OVER () FROM dsp_impressions
