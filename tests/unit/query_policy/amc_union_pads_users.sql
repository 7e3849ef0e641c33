-- about: the runner's own ids mixed into the counted user column would pad rows up to the threshold
-- tables: @amc
-- expect: rejected: so that every row's users can be counted
WITH u AS (
  SELECT user_id, postal_code AS v, impressions FROM dsp_impressions
  UNION ALL
  SELECT user_id, tier, 0 FROM crm_segments)
SELECT v, COUNT(DISTINCT user_id) AS users, SUM(impressions) FROM u GROUP BY v
