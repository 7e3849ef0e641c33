-- about: issue 12 attack 3: nor may it be compared with a value, which would test guesses one by one
-- tables: @amc
-- expect: rejected: column user_id of table crm_segments is VERY_HIGH
SELECT tier, COUNT(*) AS n FROM crm_segments WHERE user_id = '42' GROUP BY tier
