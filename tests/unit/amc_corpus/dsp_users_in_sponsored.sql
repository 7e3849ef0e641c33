-- about: DSP-reached users who also saw sponsored products (IN over the other table's user ids)
-- expect: allowed
-- expect-rows: >0
SELECT campaign, COUNT(DISTINCT user_id) AS also_in_sponsored
FROM dsp_impressions
WHERE user_id IN (SELECT user_id FROM sponsored_ads_traffic)
GROUP BY campaign
