-- about: requireOverlap: the mapping joined to the source member's table alone would count
-- about: which of the runner's own ids matched
-- tables: @id_mapping
-- expect: rejected: ID mapping table idmap must be INNER-joined on target_id
SELECT p.segment, COUNT(DISTINCT m.target_id) AS matched
FROM purchases p
JOIN idmap m ON p.cid = m.source_id
GROUP BY p.segment
