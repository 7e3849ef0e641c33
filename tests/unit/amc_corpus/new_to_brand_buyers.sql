-- about: new-to-brand and returning buyers per advertiser
-- expect: allowed
-- expect-rows: >0
SELECT advertiser,
       CASE WHEN new_to_brand THEN 'new to brand' ELSE 'returning' END AS buyer_type,
       COUNT(DISTINCT user_id) AS buyers,
       SUM(total_product_sales) AS sales
FROM amazon_attributed_events_by_conversion_time
WHERE conversion_event_subtype = 'order'
GROUP BY 1, 2
