SET lock_timeout = '5s';
ALTER TABLE account DROP COLUMN legacy_flag;  -- expect: drop-column
