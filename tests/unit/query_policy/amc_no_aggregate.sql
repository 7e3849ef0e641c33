-- about: rows without aggregation
-- tables: @amc
-- expect: rejected: need an aggregate
SELECT campaign FROM dsp_impressions
