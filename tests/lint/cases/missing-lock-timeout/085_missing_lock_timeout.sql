ALTER TABLE account ADD COLUMN note text;  -- expect: missing-lock-timeout
