-- about: DSP reach per advertiser
-- expect: allowed
-- expect-rows: 3
SELECT advertiser_id, advertiser, COUNT(DISTINCT user_id) AS reach, SUM(impressions) AS impressions
FROM dsp_impressions
GROUP BY advertiser_id, advertiser
