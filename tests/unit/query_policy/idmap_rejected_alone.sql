-- about: counting the mapping itself is refused: it must be joined on both sides
-- tables: @id_mapping
-- expect: rejected: ID mapping table idmap must be INNER-joined on source_id
SELECT COUNT(DISTINCT source_id) AS n FROM idmap
