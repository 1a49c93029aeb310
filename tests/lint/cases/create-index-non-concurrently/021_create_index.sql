SET lock_timeout = '5s';
CREATE INDEX ix_event_account_id ON event (account_id);  -- expect: create-index-non-concurrently
