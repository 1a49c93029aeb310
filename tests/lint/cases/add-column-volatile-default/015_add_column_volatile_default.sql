SET lock_timeout = '5s';
ALTER TABLE event ADD COLUMN seen_at timestamptz DEFAULT clock_timestamp();  -- expect: add-column-volatile-default
