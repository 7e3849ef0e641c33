-- about: an implicit join in WHERE: user_id meets another person identifier, and both tables' people are counted
-- tables: @amc
-- expect: allowed
-- thresholded: yes
SELECT COUNT(DISTINCT i.user_id) FROM dsp_impressions i, conversions c WHERE i.user_id = c.user_id
