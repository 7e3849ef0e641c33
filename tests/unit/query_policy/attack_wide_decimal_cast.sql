-- about: issue 12 attack 4: DECIMAL(38) sums overflow inside the aggregate
-- tables: @amc
-- expect: rejected: numbers wider than 64 bits
SELECT i.campaign, COUNT(DISTINCT i.user_id) AS u, SUM(CAST(i.bid_price AS DECIMAL(38,2))) AS b FROM dsp_impressions i GROUP BY i.campaign
