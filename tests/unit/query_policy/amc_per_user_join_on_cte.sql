-- about: a per-user WITH over a join with another WITH on user_id: grouping by one side of the equality keeps both sides' people apart
-- tables: @amc
-- expect: allowed
-- thresholded: yes
WITH converters AS (SELECT DISTINCT user_id FROM conversions),
per_user AS (SELECT i.user_id, COUNT(*) AS impressions_seen FROM dsp_impressions i JOIN converters c ON i.user_id = c.user_id GROUP BY i.user_id)
SELECT impressions_seen, COUNT(DISTINCT user_id) AS users FROM per_user GROUP BY impressions_seen
