SET lock_timeout = '5s';
ALTER TABLE booking ADD CONSTRAINT no_overlap EXCLUDE USING gist (room WITH =, during WITH &&);  -- expect: add-exclude-constraint
