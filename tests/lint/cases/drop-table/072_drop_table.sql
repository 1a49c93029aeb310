SET lock_timeout = '5s';
DROP TABLE legacy_event;  -- expect: drop-table
