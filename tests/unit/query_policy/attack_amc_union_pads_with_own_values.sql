-- about: UNION ALL pads a campaign with the analyst's own values under the user_id name
-- tables: @amc
-- expect: rejected: so that every row's users can be counted
WITH u AS (SELECT user_id, campaign FROM dsp_impressions UNION ALL SELECT k, segment FROM crm_probe)
SELECT campaign, COUNT(DISTINCT user_id) AS users FROM u GROUP BY campaign
