-- about: reach of every ad product in one table: DSP display, DSP video, sponsored products (UNION ALL)
-- expect: allowed
-- expect-rows: 3
WITH traffic AS (
  SELECT user_id, ad_product_type, impressions FROM dsp_impressions
  UNION ALL
  SELECT user_id, ad_product_type, impressions FROM sponsored_ads_traffic
)
SELECT ad_product_type, COUNT(DISTINCT user_id) AS reach, SUM(impressions) AS impressions
FROM traffic
GROUP BY ad_product_type
