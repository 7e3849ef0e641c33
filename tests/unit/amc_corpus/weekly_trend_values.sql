-- about: weekly spend per ad product with a labels table written in the query (VALUES)
-- expect: allowed
-- expect-rows: >0
WITH labels(ad_product_type, label) AS (
  VALUES ('dsp_display', 'Display'), ('dsp_video', 'Video')
)
SELECT l.label, date_trunc('week', i.impression_dt_utc) AS week,
       SUM(i.total_cost) / 100000.0 AS cost_dollars, COUNT(DISTINCT i.user_id) AS reach
FROM dsp_impressions i JOIN labels l ON i.ad_product_type = l.ad_product_type
GROUP BY 1, 2
