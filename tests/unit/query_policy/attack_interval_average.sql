-- about: issue 12 attack 4: an interval's months and days are 32-bit, so AVG over intervals the analyst inflates (to_days of a huge number) overflows inside the aggregate, exactly when enough of another party's rows are in the group
-- tables: @amc
-- expect: rejected: avg over intervals is not supported
SELECT campaign, COUNT(DISTINCT user_id) AS users, AVG(to_days(campaign_id * 1000000000)) AS d FROM dsp_impressions GROUP BY campaign
