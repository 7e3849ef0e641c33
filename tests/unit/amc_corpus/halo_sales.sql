-- about: promoted versus brand halo conversions per campaign (conversions_with_relevance)
-- expect: allowed
-- expect-rows: >0
SELECT campaign, engagement_scope, SUM(conversions) AS conversions,
       SUM(total_product_sales) AS sales
FROM conversions_with_relevance
GROUP BY campaign, engagement_scope
