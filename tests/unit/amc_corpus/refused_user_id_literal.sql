-- about: the impressions of one user picked by id (a literal compared with a VERY_HIGH column)
-- expect: rejected: is VERY_HIGH
SELECT campaign, SUM(impressions) AS impressions
FROM dsp_impressions
WHERE user_id = 4337
GROUP BY campaign
