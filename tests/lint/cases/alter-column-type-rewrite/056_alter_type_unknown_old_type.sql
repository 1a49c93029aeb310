SET lock_timeout = '5s';
ALTER TABLE account ALTER COLUMN id TYPE bigint;  -- expect: alter-column-type-rewrite
