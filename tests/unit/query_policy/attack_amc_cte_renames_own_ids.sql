-- about: issue 12 attack 1, through a WITH: the analyst's own free column renamed user_id is still not a resolved identity, and may not be joined to the platform's
-- tables: @amc
-- expect: rejected: may only be joined with another person identifier
WITH x AS (SELECT user_id AS uid, segment FROM crm_probe) SELECT x.segment, COUNT(DISTINCT i.user_id) AS u FROM x JOIN dsp_impressions i ON x.uid = i.user_id GROUP BY x.segment
