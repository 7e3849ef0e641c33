-- about: an option column may not take a name the query already answers (the delivered file would have two columns of that name, one hiding the other)
-- tables: @amc
-- filtered-rows: {"userCount": "campaign"}
-- expect: rejected: distinctUserCountColumn names the column campaign
SELECT campaign, SUM(impressions) AS imp FROM dsp_impressions GROUP BY campaign
