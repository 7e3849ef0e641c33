-- about: top campaigns by reach, sorted in the query (ORDER BY outside a window)
-- expect: rejected: allowed only inside window functions
SELECT campaign, COUNT(DISTINCT user_id) AS reach
FROM dsp_impressions
GROUP BY campaign
ORDER BY reach DESC
