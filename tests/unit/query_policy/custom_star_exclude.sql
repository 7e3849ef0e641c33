-- about: * EXCLUDE still expands to unseen columns
-- tables: @custom
-- expect: rejected: SELECT * and COLUMNS(...) are not allowed
SELECT * EXCLUDE (hashed_email) FROM impressions
