-- about: the scores table's own analysis template
-- tables: @custom
-- template: arn:aws:cleanrooms:us-east-1:333333333333:membership/m-1/analysistemplate/t-1
-- expect: allowed
-- thresholded: no
SELECT COUNT(*) AS n, AVG(s.score) FROM scores s JOIN orders o ON s.hashed_email = o.hashed_email
