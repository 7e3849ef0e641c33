-- about: target_id meets only the TARGET member's tables, not a third member's
-- tables: @id_mapping
-- expect: rejected: column target_id of ID mapping table idmap may only be joined with a column of a table of the TARGET
SELECT COUNT(DISTINCT o.oid) AS n
FROM purchases p
JOIN idmap m ON p.cid = m.source_id
JOIN other o ON o.oid = m.target_id
