-- about: a list of the users who clicked (user_id in the output of an analytics query)
-- expect: rejected: is VERY_HIGH
SELECT user_id, SUM(clicks) AS clicks
FROM dsp_clicks
GROUP BY user_id
