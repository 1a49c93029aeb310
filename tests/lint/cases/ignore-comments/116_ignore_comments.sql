SET lock_timeout = '5s';
-- retort: ignore[drop-column] -- nothing reads it since 4.2
ALTER TABLE users DROP COLUMN fax;
ALTER TABLE users DROP COLUMN pager; -- retort: ignore[drop-column] -- same
/* retort: ignore[ban-truncate] -- a staging-only table */
TRUNCATE staging_import;
ALTER TABLE users DROP COLUMN telex; -- retort: ignore[drop-table] -- wrong rule -- expect: drop-column, unused-ignore
SELECT '-- retort: ignore[drop-table] -- in a string';
DROP TABLE legacy; -- expect: drop-table
