-- about: the partner's purchases joined to the runner's customers; both constraints apply
-- tables: @aggregation
-- expect: allowed
-- thresholded: yes
-- data: CREATE TABLE customers (hashed_email VARCHAR, segment VARCHAR, city VARCHAR, age INTEGER, spend DOUBLE);
-- data: INSERT INTO customers VALUES ('e1','gold','Paris',30,10), ('e2','gold','Paris',40,20), ('e3','gold','Lyon',50,30), ('e4','gold','Lyon',60,40), ('e5','silver','Paris',20,5), ('e6','silver','Nice',25,6), ('e7','bronze','Nice',35,1);
-- data: CREATE TABLE purchases (hashed_email VARCHAR, product VARCHAR, store VARCHAR, amount DOUBLE, purchase_date DATE);
-- data: INSERT INTO purchases VALUES ('e1','shoes','s1',100,'2024-01-05'), ('e2','shoes','s1',80,'2024-02-01'), ('e3','hats','s2',20,'2024-03-01'), ('e5','shoes','s2',50,'2023-12-01'), ('x9','hats','s1',10,'2024-01-01');
-- data: CREATE TABLE loyalty (hashed_email VARCHAR, tier VARCHAR, points INTEGER);
-- data: INSERT INTO loyalty VALUES ('e1','A',10), ('e2','A',20), ('e3','B',5), ('e5','B',7);
-- expect-rows: 2
-- expect-kept-rows: 1
SELECT c.segment, SUM(p.amount) AS revenue, COUNT(DISTINCT p.hashed_email) AS buyers
FROM customers c
INNER JOIN purchases p ON c.hashed_email = p.hashed_email
GROUP BY c.segment
