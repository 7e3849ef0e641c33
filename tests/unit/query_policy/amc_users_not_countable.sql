-- about: the outermost SELECT cannot count the users behind its rows
-- tables: @amc
-- expect: rejected: no longer carry its user_id
WITH c AS (SELECT campaign, impressions FROM dsp_impressions)
SELECT campaign, SUM(impressions) FROM c GROUP BY campaign
