-- about: rows without aggregation
-- tables: @amc
-- expect: rejected: must aggregate the rows
SELECT campaign FROM dsp_impressions
