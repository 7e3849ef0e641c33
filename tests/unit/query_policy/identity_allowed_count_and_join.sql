-- about: a resolved identity may still be counted and joined on with a platform user id
-- tables: @amc
-- expect: allowed
-- thresholded: yes
SELECT c.tier, COUNT(DISTINCT c.user_id) AS matched, SUM(i.impressions) AS impressions
FROM crm_segments c JOIN dsp_impressions i ON c.user_id = i.user_id GROUP BY c.tier
