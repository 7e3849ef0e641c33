-- about: issue 12 attack 3: the owner of a resolved table reads back the platform id matching wrote beside its own e-mails; a resolved identity is VERY_HIGH whatever rule its holder writes
-- tables: @amc
-- expect: rejected: column user_id of table crm_segments is VERY_HIGH
SELECT user_id, tier FROM crm_segments
