-- about: measurable and viewable impressions and the view rate per campaign
-- expect: allowed
-- expect-rows: >0
SELECT campaign,
       SUM(measurable_impressions) AS measurable,
       SUM(viewable_impressions) AS viewable,
       SUM(viewable_impressions) * 1.0 / NULLIF(SUM(measurable_impressions), 0) AS view_rate
FROM dsp_views
GROUP BY campaign
