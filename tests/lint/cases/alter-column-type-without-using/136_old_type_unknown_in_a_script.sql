SET lock_timeout = '5s';
-- A script does not say the old type: nothing is claimed about USING.
ALTER TABLE feature ALTER COLUMN rank TYPE integer;  -- expect: alter-column-type-rewrite
