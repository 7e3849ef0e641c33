-- about: rows without DISTINCT
-- tables: @list
-- expect: rejected: must be SELECT DISTINCT
SELECT c.segment, a.interest FROM crm c JOIN audience a ON c.hashed_email = a.hashed_email
