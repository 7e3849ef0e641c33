-- about: cost, reach and attributed purchases of video and display
-- expect: allowed
-- expect-rows: 2
-- thresholds-inside: yes
WITH imps AS (
  SELECT ad_product_type, campaign_id, SUM(total_cost) AS cost, COUNT(DISTINCT user_id) AS reach
  FROM dsp_impressions GROUP BY ad_product_type, campaign_id
)
SELECT ad_product_type, SUM(cost) / 100000.0 AS cost_dollars, SUM(reach) AS summed_reach
FROM imps
GROUP BY ad_product_type
