-- about: view events by type, with the users behind them
-- expect: allowed
-- expect-rows: 3
SELECT event_type, SUM(events) AS events, COUNT(DISTINCT user_id) AS users
FROM dsp_views
GROUP BY event_type
