-- about: option column names starting with __cleanroom are reserved for the rewrite
-- tables: @amc
-- filtered-rows: {"reason": "__cleanroom_present"}
-- expect: rejected: names starting with __cleanroom are reserved
SELECT campaign, SUM(impressions) AS imp FROM dsp_impressions GROUP BY campaign
