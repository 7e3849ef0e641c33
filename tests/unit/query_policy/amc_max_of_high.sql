-- about: MAX would output one postal code
-- tables: @amc
-- expect: rejected: would output one value
SELECT campaign, MAX(postal_code) FROM dsp_impressions GROUP BY campaign
