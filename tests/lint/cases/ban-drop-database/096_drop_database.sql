DROP DATABASE staging;  -- expect: ban-drop-database
