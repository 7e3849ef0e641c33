-- about: IN over another column of single people's rows: every row turns on whether one person bought 4
-- tables: @amc
-- expect: rejected: answers with single people's rows
SELECT COUNT(DISTINCT user_id) AS n FROM dsp_impressions WHERE campaign IN (SELECT conversion_type FROM conversions WHERE purchases = 4)
