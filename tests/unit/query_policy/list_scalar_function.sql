-- about: scalar functions are not mathematical operators
-- tables: @list
-- expect: rejected: function upper is not allowed by LIST
SELECT DISTINCT UPPER(a.interest) FROM crm c JOIN audience a ON c.hashed_email = a.hashed_email
