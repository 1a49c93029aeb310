SET lock_timeout = '5s';
ALTER TABLE event ADD PRIMARY KEY (id);  -- expect: add-primary-key
