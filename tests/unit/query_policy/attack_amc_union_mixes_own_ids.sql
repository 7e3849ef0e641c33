-- about: issue 12 attack 1, through UNION ALL: resolved ids mixed with the analyst's own values are not person identifiers
-- tables: @amc
-- expect: rejected: may only be joined with another person identifier
WITH u AS (SELECT user_id FROM crm_segments UNION ALL SELECT user_id FROM crm_probe) SELECT COUNT(DISTINCT i.user_id) AS n FROM u JOIN dsp_impressions i ON u.user_id = i.user_id
