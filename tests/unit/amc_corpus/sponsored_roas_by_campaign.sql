-- about: sponsored products cost, attributed sales and ROAS per campaign
-- expect: allowed
-- expect-rows: >0
-- thresholds-inside: yes
WITH cost AS (
  SELECT campaign_id, campaign, SUM(spend) / 100000000.0 AS spend_dollars
  FROM sponsored_ads_traffic GROUP BY campaign_id, campaign
),
sales AS (
  SELECT campaign_id, SUM(total_product_sales) AS sales, SUM(total_purchases) AS purchases
  FROM amazon_attributed_events_by_traffic_time
  WHERE ad_product_type = 'sponsored_products'
  GROUP BY campaign_id
)
SELECT c.campaign, c.spend_dollars, s.purchases, s.sales,
       s.sales / NULLIF(c.spend_dollars, 0) AS roas
FROM cost c LEFT JOIN sales s ON c.campaign_id = s.campaign_id
