SET lock_timeout = '5s';
ALTER TABLE account ALTER COLUMN plan SET NOT NULL;  -- expect: set-not-null
