-- about: hostile analyst, REMOVE_VALUES: ORDER BY an aggregate's alias with LIMIT 1 must not let the removed row's hidden total (one person's 100 points) decide which row comes first; the removed values sort as NULL
-- tables: @aggregation
-- filtered-rows: {"behavior": "REMOVE_VALUES", "reason": "why"}
-- expect: allowed
-- thresholded: yes
-- data: CREATE TABLE loyalty (hashed_email VARCHAR, tier VARCHAR, points DOUBLE);
-- data: INSERT INTO loyalty VALUES ('e1','gold',1), ('e2','gold',1), ('e3','solo',100);
-- expect-rows: 1
-- expect-kept: gold,2,NULL
SELECT tier, SUM(points) AS total FROM loyalty GROUP BY tier ORDER BY total DESC LIMIT 1
