-- about: purchases per campaign with every DSP campaign kept, written as a RIGHT JOIN
-- expect: rejected: RIGHT JOIN is not allowed
WITH sales AS (
  SELECT campaign_id, SUM(total_purchases) AS purchases
  FROM amazon_attributed_events_by_conversion_time GROUP BY campaign_id
),
imps AS (
  SELECT campaign_id, SUM(impressions) AS impressions FROM dsp_impressions GROUP BY campaign_id
)
SELECT i.campaign_id, i.impressions, s.purchases
FROM sales s RIGHT JOIN imps i ON s.campaign_id = i.campaign_id
