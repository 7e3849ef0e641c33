-- about: an implicit join in WHERE (user_id joins only in ON equalities)
-- tables: @amc
-- expect: rejected: is VERY_HIGH
SELECT COUNT(DISTINCT i.user_id) FROM dsp_impressions i, conversions c WHERE i.user_id = c.user_id
