TRUNCATE event;  -- expect: ban-truncate, missing-lock-timeout
