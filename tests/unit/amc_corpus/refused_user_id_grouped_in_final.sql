-- about: the number of campaigns each user saw, a row per user
-- expect: rejected: is VERY_HIGH
SELECT COUNT(DISTINCT campaign_id) AS campaigns
FROM dsp_impressions
GROUP BY user_id
