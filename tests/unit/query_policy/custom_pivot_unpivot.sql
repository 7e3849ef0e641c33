-- about: UNPIVOT turns columns into rows
-- tables: @custom
-- expect: rejected: PIVOT and UNPIVOT are not supported
UNPIVOT impressions ON campaign, ip_address INTO NAME n VALUE v
