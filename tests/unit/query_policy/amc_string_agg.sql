-- about: string_agg would list values
-- tables: @amc
-- expect: rejected: would output the values
SELECT campaign, string_agg(postal_code, ',') FROM dsp_impressions GROUP BY campaign
