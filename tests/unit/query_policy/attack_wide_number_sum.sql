-- about: issue 12 attack 4: a sum of 128-bit values overflows inside the aggregate, where TRY cannot reach, on the rows another party's data selects; numbers wider than 64 bits are refused
-- tables: @amc
-- expect: rejected: numbers wider than 64 bits
SELECT campaign, COUNT(DISTINCT user_id) AS users, SUM(CAST(campaign_id AS HUGEINT) * 85070591730234615865843651857942052864) AS s
FROM dsp_impressions GROUP BY campaign
