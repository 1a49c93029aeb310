BEGIN;
CREATE INDEX CONCURRENTLY ix_a ON account (email);  -- expect: concurrently-in-transaction
COMMIT;
