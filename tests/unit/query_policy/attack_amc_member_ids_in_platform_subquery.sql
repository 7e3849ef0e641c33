-- about: a member's resolved ids IN a subquery of platform rows: the member's own rows would ask whether one platform person has a given bid, and nobody on the platform side would be counted
-- tables: @amc
-- expect: rejected: answers with single people's rows
SELECT tier, COUNT(*) AS customers FROM crm_segments WHERE user_id IN (SELECT user_id FROM dsp_impressions WHERE bid_price = 1.2345) GROUP BY tier
