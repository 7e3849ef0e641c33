-- about: comments change nothing; the rewritten SQL carries none
-- tables: @aggregation
-- expect: allowed
-- thresholded: yes
-- revenue by segment
SELECT segment /* the dimension */, SUM(spend) FROM customers GROUP BY segment
