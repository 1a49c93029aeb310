CREATE INDEX CONCURRENTLY ix_event_account_id ON event (account_id);
