-- about: COALESCE of a platform user id with the analyst's own column is not a person id: it would pad counts
-- tables: @amc
-- expect: rejected: may only be joined with another person identifier
WITH u AS (SELECT COALESCE(i.user_id, p.k) AS user_id, i.campaign FROM dsp_impressions i FULL OUTER JOIN crm_probe p ON i.campaign = p.segment)
SELECT campaign, COUNT(DISTINCT user_id) AS users FROM u GROUP BY campaign
