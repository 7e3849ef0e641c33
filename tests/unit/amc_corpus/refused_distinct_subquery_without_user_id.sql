-- about: how many campaigns each advertiser ran, through a SELECT DISTINCT subquery without user_id (AMC runs it; here the DISTINCT counts as an aggregation whose users cannot be counted)
-- expect: rejected: no longer carry its user_id
SELECT advertiser, COUNT(*) AS campaigns
FROM (SELECT DISTINCT advertiser, campaign_id FROM dsp_impressions) AS c
GROUP BY advertiser
