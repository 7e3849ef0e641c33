-- about: overlap across two platform tables: COALESCE of the two user ids after a FULL JOIN on them is a person id of either side, counted
-- tables: @amc
-- expect: allowed
-- thresholded: yes
WITH both_sides AS (
  SELECT COALESCE(i.user_id, c.user_id) AS user_id, i.user_id IS NOT NULL AS exposed, c.user_id IS NOT NULL AS converted
  FROM (SELECT DISTINCT user_id FROM dsp_impressions) i FULL OUTER JOIN (SELECT DISTINCT user_id FROM conversions) c ON i.user_id = c.user_id)
SELECT exposed, converted, COUNT(DISTINCT user_id) AS users FROM both_sides GROUP BY exposed, converted
