package org.jamesexim.srs;

import java.util.Optional;

/**
 * Storage for database mode (Exim's {@code srs_dbinsert} / {@code srs_dbselect}): the SRS address carries only a
 * key, the original sender is kept here. Implementations must be thread-safe and bound every call by a timeout.
 */
public interface SrsDatabase {
    /** Stores {@code address} under {@code key}; storing the same pair again is not an error. */
    void insert(String key, String address) throws SrsDatabaseException;

    /** The address stored under {@code key}, or empty when there is none. */
    Optional<String> select(String key) throws SrsDatabaseException;

    /** The database could not be used (down, slow, bad SQL). Never carries a password. */
    final class SrsDatabaseException extends Exception {
        private static final long serialVersionUID = 1L;

        public SrsDatabaseException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
