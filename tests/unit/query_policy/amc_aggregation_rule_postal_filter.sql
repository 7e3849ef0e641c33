-- about: the dimension may be filtered by the rule, but AMC forbids literals on HIGH columns
-- tables: @amc_aggregation
-- expect: rejected: may not be compared with literals
SELECT campaign, COUNT(DISTINCT user_id) FROM dsp_impressions WHERE postal_code = '98101' GROUP BY campaign
