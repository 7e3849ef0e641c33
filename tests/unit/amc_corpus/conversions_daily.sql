-- about: daily conversions and sales per advertiser (dates are LOW)
-- expect: allowed
-- expect-rows: >0
SELECT advertiser_id, event_date_utc, SUM(conversions) AS conversions,
       SUM(total_product_sales) AS sales
FROM conversions
GROUP BY advertiser_id, event_date_utc
