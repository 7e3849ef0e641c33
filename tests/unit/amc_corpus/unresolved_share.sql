-- about: share of impressions whose user could not be resolved (user_id IS NULL)
-- expect: allowed
-- expect-rows: >0
SELECT ad_product_type,
       SUM(CASE WHEN user_id IS NULL THEN impressions ELSE 0 END) * 1.0 / SUM(impressions) AS unresolved_share
FROM dsp_impressions
GROUP BY ad_product_type
