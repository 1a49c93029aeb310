SET lock_timeout = '5s';
CREATE UNIQUE INDEX CONCURRENTLY uq_account_email ON account (email);
ALTER TABLE account ADD CONSTRAINT uq_account_email UNIQUE USING INDEX uq_account_email;
