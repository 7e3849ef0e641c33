-- about: the funnel per campaign: detail page views, adds to cart, purchases and their rates
-- expect: allowed
-- expect-rows: >0
SELECT campaign,
       SUM(total_detail_page_view) AS dpv,
       SUM(total_add_to_cart) AS atc,
       SUM(total_purchases) AS purchases,
       SUM(total_purchases) * 1.0 / NULLIF(SUM(total_detail_page_view), 0) AS purchase_rate
FROM amazon_attributed_events_by_conversion_time
GROUP BY campaign
