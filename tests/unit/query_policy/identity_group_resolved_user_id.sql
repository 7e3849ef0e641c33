-- about: issue 12 attack 3: grouping by a resolved identity outputs it
-- tables: @amc
-- expect: rejected: column user_id of table crm_segments is VERY_HIGH
SELECT user_id, COUNT(*) AS n FROM crm_segments GROUP BY user_id
