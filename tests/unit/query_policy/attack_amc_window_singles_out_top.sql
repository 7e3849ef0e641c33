-- about: a window over every row singles out the person with the highest bid
-- tables: @amc
-- expect: rejected: must PARTITION BY its user_id
WITH r AS (SELECT user_id, bid_price, ROW_NUMBER() OVER (ORDER BY bid_price DESC) AS rk FROM dsp_impressions)
SELECT COUNT(DISTINCT user_id) AS n, MAX(bid_price) AS top FROM r WHERE rk = 1
