SET lock_timeout = '5s';
CREATE INDEX CONCURRENTLY ix_event_account_id ON event (account_id);
ALTER TABLE event ADD CONSTRAINT fk_event_account FOREIGN KEY (account_id) REFERENCES account (id) NOT VALID;
