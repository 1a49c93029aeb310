SET lock_timeout = '5s';
ALTER TABLE event ADD CONSTRAINT fk_event_account FOREIGN KEY (account_id) REFERENCES account (id);  -- expect: add-foreign-key-validating, foreign-key-without-index
