-- about: issue 12 attack 3: an aggregate's FILTER that compares a resolved identity with a value tests one guess
-- tables: @amc
-- expect: rejected: is VERY_HIGH
SELECT c.tier, COUNT(c.user_id) FILTER (WHERE c.user_id = '42') AS u, COUNT(DISTINCT i.user_id) AS n FROM crm_segments c JOIN dsp_impressions i ON c.user_id = i.user_id GROUP BY c.tier
