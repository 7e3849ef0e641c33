-- about: a source table of one identity that matched: its one-person group is under the
-- about: mapping's threshold, so the answer is the same empty one as when it did not match
-- tables: @id_mapping
-- expect: allowed
-- thresholded: yes
-- data: CREATE TABLE purchases (cid VARCHAR, segment VARCHAR, amount DOUBLE);
-- data: INSERT INTO purchases VALUES ('c1','gold',10);
-- data: CREATE TABLE idmap (source_id VARCHAR, target_id VARCHAR);
-- data: INSERT INTO idmap VALUES ('c1','b1');
-- data: CREATE TABLE audience (bid VARCHAR, interest VARCHAR);
-- data: INSERT INTO audience VALUES ('b1','golf');
-- expect-rows: 1
-- expect-kept-rows: 0
SELECT COUNT(DISTINCT m.source_id) AS matched
FROM purchases p
JOIN idmap m ON p.cid = m.source_id
JOIN audience a ON a.bid = m.target_id
