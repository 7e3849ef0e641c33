-- about: users reached by each pair of DSP campaigns of an advertiser (campaign overlap)
-- expect: allowed
-- expect-rows: >0
-- expect-filtered-rows: >0
WITH per_user AS (
  SELECT user_id, campaign_id, advertiser_id
  FROM dsp_impressions
  WHERE user_id IS NOT NULL
  GROUP BY user_id, campaign_id, advertiser_id
)
SELECT a.campaign_id AS campaign_a, b.campaign_id AS campaign_b,
       COUNT(DISTINCT a.user_id) AS overlap_users
FROM per_user a
JOIN per_user b ON a.user_id = b.user_id AND a.advertiser_id = b.advertiser_id
WHERE a.campaign_id < b.campaign_id
GROUP BY a.campaign_id, b.campaign_id
