-- about: aggregates are not lists
-- tables: @list
-- expect: rejected: aggregate functions are not allowed by LIST
SELECT DISTINCT COUNT(a.interest) FROM crm c JOIN audience a ON c.hashed_email = a.hashed_email
