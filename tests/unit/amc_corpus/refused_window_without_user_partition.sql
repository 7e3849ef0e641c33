-- about: the previous impression's time of anyone, next to each impression (LAG over everyone)
-- expect: rejected: must PARTITION BY its user_id
WITH gaps AS (
  SELECT user_id, campaign,
         LAG(impression_dt_utc) OVER (PARTITION BY campaign ORDER BY impression_dt_utc) AS previous
  FROM dsp_impressions
)
SELECT campaign, COUNT(DISTINCT user_id) AS users, COUNT(previous) AS with_previous
FROM gaps
GROUP BY campaign
