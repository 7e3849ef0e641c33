-- about: hostile analyst, REMOVE_VALUES: ORDER BY the aggregate itself (not its alias) is given the removed value too, so one person's 100 points cannot push the delivered row out of LIMIT 1
-- tables: @aggregation
-- filtered-rows: {"behavior": "REMOVE_VALUES", "reason": "why"}
-- expect: allowed
-- thresholded: yes
-- data: CREATE TABLE loyalty (hashed_email VARCHAR, tier VARCHAR, points DOUBLE);
-- data: INSERT INTO loyalty VALUES ('e1','gold',1), ('e2','gold',1), ('e3','solo',100);
-- expect-rows: 1
-- expect-kept: gold,2,NULL
SELECT tier, SUM(points) AS total FROM loyalty GROUP BY tier ORDER BY SUM(points) DESC LIMIT 1
