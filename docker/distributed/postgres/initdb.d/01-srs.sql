-- SRS database mode: the table of the default dbinsert/dbselect (org.jamesexim.srs.JdbcSrsDatabase.DEFAULT_CREATE).
-- Run once by the postgres image on an empty data volume. All James nodes share it.
CREATE TABLE srs_address (srs_key VARCHAR(64) PRIMARY KEY, address VARCHAR(1024) NOT NULL, created TIMESTAMP DEFAULT CURRENT_TIMESTAMP);
