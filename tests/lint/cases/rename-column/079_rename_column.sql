SET lock_timeout = '5s';
ALTER TABLE account RENAME COLUMN mail TO email;  -- expect: rename-column
