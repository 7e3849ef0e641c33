-- about: one number: distinct users reached by DSP
-- expect: allowed
-- expect-rows: 1
SELECT COUNT(DISTINCT user_id) AS reach FROM dsp_impressions
