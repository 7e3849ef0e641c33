-- about: listing the identifiers themselves
-- tables: @list
-- expect: rejected: is a join column
SELECT DISTINCT a.hashed_email FROM crm c JOIN audience a ON c.hashed_email = a.hashed_email
