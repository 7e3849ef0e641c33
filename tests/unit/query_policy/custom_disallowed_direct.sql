-- about: a disallowed output column selected
-- tables: @custom
-- expect: rejected: may not appear in the output
SELECT hashed_email, campaign FROM impressions
