SET lock_timeout = '5s';
ALTER TABLE event ADD COLUMN seq bigserial;  -- expect: add-column-volatile-default
ALTER TABLE event ADD COLUMN created timestamptz DEFAULT now();
