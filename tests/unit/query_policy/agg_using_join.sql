-- about: JOIN ... USING
-- tables: @aggregation
-- expect: rejected: USING is not supported
SELECT segment, SUM(amount) FROM customers JOIN purchases USING (hashed_email) GROUP BY segment
