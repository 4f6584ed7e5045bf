package org.jamesexim.srs;

import java.time.Duration;
import java.util.Optional;

/**
 * Storage for database mode (Exim's {@code srs_dbinsert} / {@code srs_dbselect}): the SRS address carries only a
 * key, the original sender is kept here. Implementations must be thread-safe and return or throw within the
 * time given to each call (connecting included): a caller on an SMTP thread waits no longer.
 */
public interface SrsDatabase {
    /** Stores {@code address} under {@code key} within {@code timeout}; storing the same pair again is not an error. */
    void insert(String key, String address, Duration timeout) throws SrsDatabaseException;

    /** The address stored under {@code key}, or empty when there is none, within {@code timeout}. */
    Optional<String> select(String key, Duration timeout) throws SrsDatabaseException;

    /** The database could not be used in time (down, slow, busy, bad SQL). Never carries a password. */
    final class SrsDatabaseException extends Exception {
        private static final long serialVersionUID = 1L;

        public SrsDatabaseException(String message) {
            super(message);
        }
    }
}
