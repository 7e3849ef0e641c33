-- about: issue 12 attack 4: STDDEV and its kin raise "out of range" inside the aggregate once a square overflows, so a huge factor of the analyst's own would fail the query exactly when another party's row is there
-- tables: @amc
-- expect: rejected: stddev_samp is not supported
SELECT campaign, COUNT(DISTINCT user_id) AS users, STDDEV_SAMP(impressions * 1e200) AS spread FROM dsp_impressions GROUP BY campaign
