-- about: SELECT DISTINCT of platform rows without an aggregate lists them
-- tables: @amc
-- expect: rejected: must aggregate the rows
SELECT DISTINCT campaign FROM dsp_impressions
