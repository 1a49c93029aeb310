SET lock_timeout = '5s';
ALTER TABLE event ADD COLUMN owner_id bigint REFERENCES account (id);  -- expect: add-foreign-key-validating, foreign-key-without-index
