-- about: how many impressions users saw before their first click (a window per user)
-- expect: allowed
-- expect-rows: >0
WITH first_click AS (
  SELECT user_id, MIN(click_dt_utc) AS first_click FROM dsp_clicks GROUP BY user_id
),
imps AS (
  SELECT i.user_id, COUNT(*) AS before_click
  FROM dsp_impressions i JOIN first_click f ON i.user_id = f.user_id
  WHERE i.impression_dt_utc <= f.first_click
  GROUP BY i.user_id
)
SELECT CASE WHEN before_click > 5 THEN 6 ELSE before_click END AS impressions_before_click,
       COUNT(DISTINCT user_id) AS clickers
FROM imps
GROUP BY 1
