-- about: a runner that is not an allowed analysis provider
-- tables: @custom
-- runner: 444444444444
-- expect: rejected: does not allow queries from account 444444444444
SELECT campaign FROM impressions
