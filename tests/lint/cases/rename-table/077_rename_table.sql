SET lock_timeout = '5s';
ALTER TABLE customer RENAME TO account;  -- expect: rename-table
