-- about: a self-join carries another person's postal code next to a user_id that does not count that person
-- tables: @amc
-- expect: rejected: no longer carry its user_id
WITH x AS (SELECT a.user_id, b.postal_code FROM dsp_impressions a JOIN dsp_impressions b ON a.campaign = b.campaign)
SELECT postal_code, COUNT(DISTINCT user_id) AS n FROM x GROUP BY postal_code
