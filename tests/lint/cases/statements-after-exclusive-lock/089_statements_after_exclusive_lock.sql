BEGIN;
SET LOCAL lock_timeout = '5s';
ALTER TABLE account RENAME COLUMN mail TO email;  -- expect: rename-column
UPDATE event SET kind = 1 WHERE kind IS NULL;  -- expect: statements-after-exclusive-lock
COMMIT;
