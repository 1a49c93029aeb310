BEGIN;
SET LOCAL lock_timeout = '5s';
ALTER TABLE item ADD CONSTRAINT ck_price CHECK (price > 0) NOT VALID;
ALTER TABLE item VALIDATE CONSTRAINT ck_price;  -- expect: validate-in-same-transaction, statements-after-exclusive-lock
COMMIT;
