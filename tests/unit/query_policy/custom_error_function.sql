-- about: error() would carry the value in its message
-- tables: @custom
-- expect: rejected: function error is not allowed
SELECT campaign FROM impressions WHERE error(hashed_email) IS NULL
