-- about: two aggregates glued by UNION
-- tables: @amc
-- expect: rejected: must end in one aggregating SELECT
SELECT campaign, COUNT(DISTINCT user_id) FROM dsp_impressions GROUP BY campaign
UNION ALL
SELECT conversion_type, COUNT(DISTINCT user_id) FROM conversions GROUP BY conversion_type
