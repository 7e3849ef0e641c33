-- about: issue 12 attack 4: the interval may be built in a WITH and averaged outside it
-- tables: @amc
-- expect: rejected: avg over intervals is not supported
WITH x AS (SELECT user_id, campaign, INTERVAL 1 DAY * campaign_id AS d FROM dsp_impressions)
SELECT campaign, COUNT(DISTINCT user_id) AS users, AVG(d) AS d FROM x GROUP BY campaign
