-- about: a whole row as one value
-- tables: @custom
-- expect: rejected: unknown column 'i'
SELECT i AS whole_row FROM impressions i
