-- about: probing identifiers with LIKE
-- tables: @list
-- expect: rejected: is a join column
SELECT DISTINCT a.interest FROM crm c JOIN audience a ON c.hashed_email = a.hashed_email WHERE a.hashed_email LIKE 'ab%'
