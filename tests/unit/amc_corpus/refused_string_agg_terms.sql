-- about: every search term of a campaign in one string (STRING_AGG of a platform column)
-- expect: rejected: would output the values
SELECT campaign, STRING_AGG(customer_search_term, ',') AS terms
FROM sponsored_ads_traffic
GROUP BY campaign
