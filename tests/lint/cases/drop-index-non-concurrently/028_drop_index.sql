SET lock_timeout = '5s';
DROP INDEX IF EXISTS ix_event_kind;  -- expect: drop-index-non-concurrently
