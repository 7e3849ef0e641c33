-- about: issue 12 attack 1: the analyst's own VARCHAR column spells one platform id many ways ('42', '042', ' 42'); joined to the BIGINT user_id it would count one person many times. A user id meets only another resolved identity, and never a column of another type.
-- tables: @amc
-- expect: rejected: may only be joined with another person identifier
SELECT p.segment, COUNT(DISTINCT p.user_id) AS users, SUM(i.impressions) AS impressions
FROM crm_probe p JOIN dsp_impressions i ON p.user_id = i.user_id
GROUP BY p.segment
