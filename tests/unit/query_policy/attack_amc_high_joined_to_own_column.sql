-- about: issue 12 attack 6: a HIGH column as the join key to the analyst's own column singles out the people behind each value the analyst lists
-- tables: @amc
-- expect: rejected: may not be compared with literals or with columns of non-platform tables
SELECT p.segment, COUNT(DISTINCT i.user_id) AS u FROM crm_probe p JOIN dsp_impressions i ON p.g = i.postal_code GROUP BY p.segment
