-- about: a column outside listColumns
-- tables: @list
-- expect: rejected: is not a list column
SELECT DISTINCT a.device_id FROM crm c JOIN audience a ON c.hashed_email = a.hashed_email
