-- about: ORDER BY is not part of the list shape
-- tables: @list
-- expect: rejected: ORDER BY is not allowed by LIST
SELECT DISTINCT a.interest FROM crm c JOIN audience a ON c.hashed_email = a.hashed_email ORDER BY a.interest
