-- about: purchases and units per tracked ASIN and the price paid
-- expect: allowed
-- expect-rows: >0
SELECT tracked_asin, SUM(total_units_sold) AS units, SUM(total_product_sales) AS sales,
       AVG(purchase_unit_price) AS avg_price, MIN(purchase_unit_price) AS min_price
FROM conversions
WHERE tracked_asin IS NOT NULL
GROUP BY tracked_asin
