-- about: the mapping's ids are only counted (COUNT, COUNT DISTINCT)
-- tables: @id_mapping
-- expect: rejected: column target_id of table idmap may not be aggregated with SUM
SELECT SUM(m.target_id) AS s
FROM purchases p
JOIN idmap m ON p.cid = m.source_id
JOIN audience a ON a.bid = m.target_id
