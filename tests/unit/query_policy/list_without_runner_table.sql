-- about: the partner's list alone
-- tables: @list
-- expect: rejected: Inner join to query runner table required for table audience
SELECT DISTINCT interest FROM audience
