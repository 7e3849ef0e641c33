-- about: every column of the sponsored ads traffic
-- expect: rejected: SELECT *
SELECT * FROM sponsored_ads_traffic
