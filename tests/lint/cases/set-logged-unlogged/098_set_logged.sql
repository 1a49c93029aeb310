SET lock_timeout = '5s';
ALTER TABLE event SET LOGGED;  -- expect: set-logged-unlogged
