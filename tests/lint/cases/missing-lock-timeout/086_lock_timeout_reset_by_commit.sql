BEGIN;
SET LOCAL lock_timeout = '5s';
ALTER TABLE account ADD COLUMN note text;
COMMIT;
ALTER TABLE account ADD COLUMN other text;  -- expect: missing-lock-timeout
