SET lock_timeout = '5s';
ALTER TABLE item ADD CONSTRAINT ck_price_positive CHECK (price > 0);  -- expect: add-check-validating
