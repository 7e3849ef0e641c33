-- about: issue 12 attack 6: a HIGH column compared with a column of the analyst's own table is compared with a literal in all but name (the analyst picks c.g row by row)
-- tables: @amc
-- expect: rejected: may not be compared with literals or with columns of non-platform tables
SELECT c.tier, COUNT(DISTINCT i.user_id) AS users
FROM crm_segments c JOIN dsp_impressions i ON c.user_id = i.user_id
JOIN crm_probe p ON p.segment = c.tier
WHERE i.postal_code <= p.g
GROUP BY c.tier
