-- about: an alias that would impersonate the kept column
-- tables: @aggregation
-- expect: rejected: are reserved
SELECT segment, SUM(spend) AS __cleanroom_kept FROM customers GROUP BY segment
