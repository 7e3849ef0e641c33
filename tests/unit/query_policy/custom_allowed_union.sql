-- about: UNION of allowed columns
-- tables: @custom
-- expect: allowed
-- thresholded: no
SELECT campaign AS label FROM impressions UNION SELECT CAST(order_id AS VARCHAR) FROM orders
