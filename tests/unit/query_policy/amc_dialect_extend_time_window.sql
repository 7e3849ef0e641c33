-- about: TABLE(EXTEND_TIME_WINDOW('t', 'P30D', 'P0D')) reads the table (its window widened by the engine)
-- tables: @amc
-- expect: allowed
-- thresholded: yes
SELECT campaign, COUNT(DISTINCT user_id) AS users FROM TABLE(EXTEND_TIME_WINDOW('dsp_impressions', 'P30D', 'P0D')) i GROUP BY campaign
