-- lint: assume-in-transaction
CREATE INDEX CONCURRENTLY ix_a ON account (email);  -- expect: concurrently-in-transaction
