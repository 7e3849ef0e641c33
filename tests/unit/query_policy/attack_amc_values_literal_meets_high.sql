-- about: a VALUES list smuggles a postal code literal into a join with a HIGH column
-- tables: @amc
-- expect: rejected: may not be compared with literals
WITH z(p) AS (VALUES ('98101'))
SELECT COUNT(DISTINCT i.user_id) AS n FROM dsp_impressions i JOIN z ON i.postal_code = z.p
