-- about: the runner's purchases joined through the ID mapping table to the partner's audience;
-- about: the mapping's ids are thresholded at the stricter of the two members' minimums (3)
-- tables: @id_mapping
-- expect: allowed
-- thresholded: yes
-- data: CREATE TABLE purchases (cid VARCHAR, segment VARCHAR, amount DOUBLE);
-- data: INSERT INTO purchases VALUES ('c1','gold',10), ('c2','gold',20), ('c3','gold',30), ('c4','gold',40), ('c5','silver',5), ('c6','silver',6);
-- data: CREATE TABLE idmap (source_id VARCHAR, target_id VARCHAR);
-- data: INSERT INTO idmap VALUES ('c1','b1'), ('c2','b2'), ('c3','b3'), ('c5','b5');
-- data: CREATE TABLE audience (bid VARCHAR, interest VARCHAR);
-- data: INSERT INTO audience VALUES ('b1','golf'), ('b2','golf'), ('b3','tennis'), ('b4','golf'), ('b5','golf'), ('b6','tennis');
-- expect-rows: 2
-- expect-kept: gold,3
SELECT p.segment, COUNT(DISTINCT a.bid) AS users
FROM purchases p
JOIN idmap m ON p.cid = m.source_id
JOIN audience a ON a.bid = m.target_id
GROUP BY p.segment
