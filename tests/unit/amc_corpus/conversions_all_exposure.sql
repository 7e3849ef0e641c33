-- about: exposed versus non-exposed conversions per event subtype (conversions_all)
-- expect: allowed
-- expect-rows: >0
SELECT exposure_type, event_subtype, SUM(conversions) AS conversions,
       COUNT(DISTINCT user_id) AS users
FROM conversions_all
GROUP BY exposure_type, event_subtype
