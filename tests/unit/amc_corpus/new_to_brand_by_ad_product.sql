-- about: new-to-brand buyers reached by DSP, sponsored products, or both
-- expect: allowed
-- expect-rows: >0
WITH ntb AS (
  SELECT user_id,
         MAX(CASE WHEN ad_product_type = 'sponsored_products' THEN 1 ELSE 0 END) AS via_sp,
         MAX(CASE WHEN request_tag IS NOT NULL THEN 1 ELSE 0 END) AS via_dsp
  FROM amazon_attributed_events_by_conversion_time
  WHERE new_to_brand = TRUE
  GROUP BY user_id
)
SELECT via_dsp, via_sp, COUNT(DISTINCT user_id) AS ntb_buyers
FROM ntb
GROUP BY via_dsp, via_sp
