-- about: IN over another column of single people's rows: whether a campaign counts would turn on single conversions
-- tables: @amc
-- expect: rejected: answers with single people's rows
SELECT campaign, COUNT(DISTINCT user_id) FROM dsp_impressions WHERE campaign IN (SELECT conversion_type FROM conversions) GROUP BY campaign
