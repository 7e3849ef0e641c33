-- about: a per-user WITH that drops user_id: its rows are single people that nobody can count
-- tables: @amc
-- expect: rejected: no longer carry its user_id
WITH u AS (SELECT COUNT(*) AS n, MAX(bid_price) AS b FROM dsp_impressions GROUP BY user_id)
SELECT b, COUNT(*) AS people FROM u GROUP BY b
