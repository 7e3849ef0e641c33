-- about: a scalar subquery in the SELECT list
-- tables: @custom
-- expect: rejected: may not appear in the output
SELECT campaign, (SELECT MAX(i2.ip_address) FROM impressions i2 WHERE i2.campaign = i.campaign) AS ip FROM impressions i
