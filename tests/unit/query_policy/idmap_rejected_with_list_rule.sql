-- about: under a LIST rule the overlap would be listed row by row: refused
-- tables: @id_mapping
-- expect: rejected: ID mapping table idmap can only be queried with tables whose analysis rules are AGGREGATION
SELECT DISTINCT l.interest
FROM purchases p
JOIN idmap m ON p.cid = m.source_id
JOIN listed l ON l.bid = m.target_id
