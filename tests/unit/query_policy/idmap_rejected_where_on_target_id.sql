-- about: an ID mapping table's ids are never compared with a literal
-- tables: @id_mapping
-- expect: rejected: column target_id of table idmap is a join column
SELECT COUNT(DISTINCT a.bid) AS users
FROM purchases p
JOIN idmap m ON p.cid = m.source_id
JOIN audience a ON a.bid = m.target_id
WHERE m.target_id = 'b1'
