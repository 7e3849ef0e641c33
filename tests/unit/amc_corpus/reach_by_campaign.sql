-- about: impressions, reach and cost per campaign (the Local Pilot campaigns fall under the threshold)
-- expect: allowed
-- expect-rows: >0
-- expect-filtered-rows: >0
SELECT campaign_id, campaign,
       SUM(impressions) AS impressions,
       COUNT(DISTINCT user_id) AS reach,
       SUM(total_cost) / 100000.0 AS cost_dollars
FROM dsp_impressions
GROUP BY campaign_id, campaign
