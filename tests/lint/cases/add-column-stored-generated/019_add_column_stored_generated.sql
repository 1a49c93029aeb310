SET lock_timeout = '5s';
ALTER TABLE item ADD COLUMN total numeric GENERATED ALWAYS AS (price * qty) STORED;  -- expect: add-column-stored-generated
