-- about: an ID mapping table's ids are never output
-- tables: @id_mapping
-- expect: rejected: column source_id of table idmap is a join column
SELECT m.source_id, COUNT(DISTINCT a.bid) AS users
FROM purchases p
JOIN idmap m ON p.cid = m.source_id
JOIN audience a ON a.bid = m.target_id
GROUP BY m.source_id
