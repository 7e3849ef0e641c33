-- about: spend and effective CPM per campaign and creative (an alias reused in another aggregate)
-- expect: allowed
-- expect-rows: >0
SELECT campaign, creative,
       SUM(impressions) AS impressions,
       SUM(total_cost) AS total_cost,
       SUM(total_cost) / 100000.0 / SUM(impressions) * 1000 AS ecpm_dollars
FROM dsp_impressions
GROUP BY campaign, creative
