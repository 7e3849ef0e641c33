-- about: source_id meets only a table of the SOURCE namespace's member
-- tables: @id_mapping
-- expect: rejected: column source_id of ID mapping table idmap may only be joined with a column of a table of the SOURCE
SELECT COUNT(DISTINCT a.bid) AS users
FROM audience a
JOIN idmap m ON a.bid = m.source_id
JOIN purchases p ON p.cid = m.target_id
