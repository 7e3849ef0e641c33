-- about: RIGHT JOIN, which AMC SQL does not have
-- tables: @amc
-- expect: rejected: RIGHT JOIN is not allowed
SELECT COUNT(DISTINCT i.user_id) AS n FROM conversions c RIGHT JOIN dsp_impressions i ON i.user_id = c.user_id
