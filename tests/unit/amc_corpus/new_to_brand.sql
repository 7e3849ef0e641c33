-- about: new-to-brand purchases and sales per campaign, and their share
-- expect: allowed
-- expect-rows: >0
SELECT campaign,
       SUM(total_purchases) AS purchases,
       SUM(new_to_brand_total_purchases) AS ntb_purchases,
       SUM(new_to_brand_total_product_sales) AS ntb_sales,
       SUM(new_to_brand_total_purchases) * 1.0 / NULLIF(SUM(total_purchases), 0) AS ntb_share
FROM amazon_attributed_events_by_conversion_time
GROUP BY campaign
