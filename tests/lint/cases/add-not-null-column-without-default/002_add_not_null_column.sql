SET lock_timeout = '5s';
ALTER TABLE account ADD COLUMN plan text NOT NULL;  -- expect: add-not-null-column-without-default
