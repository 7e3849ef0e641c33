-- about: LAG over a campaign puts one person's bid on another person's row, where the other's users would be counted
-- tables: @amc
-- expect: rejected: must PARTITION BY its user_id
WITH r AS (SELECT user_id, LAG(bid_price) OVER (PARTITION BY campaign ORDER BY event_dt) AS prev FROM dsp_impressions)
SELECT prev, COUNT(DISTINCT user_id) AS n FROM r GROUP BY prev
