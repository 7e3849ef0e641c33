-- about: impressions listed one by one (no aggregation in the final SELECT)
-- expect: rejected: must aggregate the rows of
SELECT campaign, device_type, impression_dt_utc FROM dsp_impressions
