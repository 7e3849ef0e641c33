-- about: spend per campaign by campaign_id_string, as the DSP console names them
-- expect: allowed
-- expect-rows: >0
SELECT campaign_id_string, SUM(total_cost / 100000) AS cost_dollars, SUM(impressions) AS impressions
FROM dsp_impressions
GROUP BY campaign_id_string
