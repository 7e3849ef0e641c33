-- about: GROUP BY is not part of the list shape
-- tables: @list
-- expect: rejected: GROUP BY is not allowed by LIST
SELECT DISTINCT a.interest FROM crm c JOIN audience a ON c.hashed_email = a.hashed_email GROUP BY a.interest
