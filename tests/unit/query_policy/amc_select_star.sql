-- about: SELECT * on a platform table
-- tables: @amc
-- expect: rejected: SELECT * and COLUMNS(...) are not allowed
SELECT * FROM dsp_impressions
