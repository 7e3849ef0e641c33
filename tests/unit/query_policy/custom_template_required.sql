-- about: a direct query on a table that only allows its template
-- tables: @custom
-- expect: rejected: allows only its analysis templates
SELECT COUNT(*) FROM scores
