-- about: hashed again
-- tables: @custom
-- expect: rejected: may not appear in the output
SELECT md5(hashed_email) AS h FROM impressions
