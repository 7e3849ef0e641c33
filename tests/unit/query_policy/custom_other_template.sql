-- about: another template's SQL
-- tables: @custom
-- template: arn:aws:cleanrooms:us-east-1:111111111111:membership/m-2/analysistemplate/t-9
-- expect: rejected: not this one
SELECT COUNT(*) FROM scores
