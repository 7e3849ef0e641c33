-- about: a query of the runner's own tables only keeps DuckDB's meaning of DAYOFWEEK and refuses AMC's table syntax
-- tables: @amc
-- expect: rejected: table functions such as extend_time_window
SELECT segment, COUNT(*) AS n FROM TABLE(EXTEND_TIME_WINDOW('crm_probe', 'P30D', 'P0D')) GROUP BY segment
