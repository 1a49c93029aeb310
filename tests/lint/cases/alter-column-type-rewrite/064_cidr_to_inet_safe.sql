SET lock_timeout = '5s';
CREATE TABLE host (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, net cidr);
ALTER TABLE host ALTER COLUMN net TYPE inet;
