-- about: a correlated EXISTS on the identifier
-- tables: @custom
-- expect: allowed
-- thresholded: no
-- data: CREATE TABLE impressions (hashed_email VARCHAR, ip_address VARCHAR, campaign VARCHAR, impressions INTEGER, ts TIMESTAMP);
-- data: INSERT INTO impressions VALUES ('e1','10.0.0.1','spring',3,'2024-03-01 10:00:00'), ('e2','10.0.0.2','spring',1,'2024-03-02 10:00:00'), ('e3','10.0.0.3','summer',5,'2024-06-01 10:00:00');
-- data: CREATE TABLE orders (hashed_email VARCHAR, order_id INTEGER, value DOUBLE);
-- data: INSERT INTO orders VALUES ('e1',1,30), ('e1',2,20), ('e3',3,15);
-- expect-rows: 2
-- expect-kept-rows: 2
SELECT campaign, COUNT(*) AS n FROM impressions i
WHERE EXISTS (SELECT 1 FROM orders o WHERE o.hashed_email = i.hashed_email)
GROUP BY campaign
