-- about: DSP cost and attributed sales per campaign (ROAS), cost in millicents
-- expect: allowed
-- expect-rows: >0
-- thresholds-inside: yes
WITH cost AS (
  SELECT campaign_id, SUM(total_cost) / 100000.0 AS cost_dollars, SUM(impressions) AS impressions
  FROM dsp_impressions GROUP BY campaign_id
),
sales AS (
  SELECT campaign_id, SUM(total_product_sales) AS sales
  FROM amazon_attributed_events_by_conversion_time
  WHERE request_tag IS NOT NULL
  GROUP BY campaign_id
)
SELECT c.campaign_id, c.impressions, c.cost_dollars, s.sales,
       s.sales / NULLIF(c.cost_dollars, 0) AS roas
FROM cost c LEFT JOIN sales s ON c.campaign_id = s.campaign_id
