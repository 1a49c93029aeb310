SET lock_timeout = '5s';
ALTER TABLE account ADD CONSTRAINT uq_account_email UNIQUE (email);  -- expect: add-unique-constraint
