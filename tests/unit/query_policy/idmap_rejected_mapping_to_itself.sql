-- about: a mapping's id never meets another mapping's (no chains of mappings)
-- tables: @id_mapping
-- expect: rejected: may only be joined with a column of a table
SELECT COUNT(DISTINCT a.bid) AS users
FROM purchases p
JOIN idmap m ON p.cid = m.source_id
JOIN idmap m2 ON m2.source_id = m.target_id
JOIN audience a ON a.bid = m2.target_id
