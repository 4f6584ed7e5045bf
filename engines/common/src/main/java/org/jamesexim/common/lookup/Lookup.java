package org.jamesexim.common.lookup;

/**
 * A key to value lookup, Exim's {@code ${lookup{key}...}}: a file table ({@link FileLookup}) or a JDBC query
 * ({@link JdbcLookup}), made from the parameters {@link LookupParams} declares. Keys are looked up in lower case;
 * a key longer than {@link #MAX_KEY_CHARS} is not looked up (not found). Thread-safe.
 */
public interface Lookup extends AutoCloseable {
    /** The longest key looked up, in characters. */
    int MAX_KEY_CHARS = 256;
    /** The longest value taken, in characters (a longer one is not found). */
    int MAX_VALUE_CHARS = 4096;

    /**
     * Looks {@code key} up, waiting at most the lookup's timeout and what {@code deadline} leaves.
     *
     * @return found, not found, or failed (temporary)
     */
    LookupResult find(String key, Deadline deadline);

    /** A new deadline for the lookups of one message ({@code <word>LookupDeadline}). */
    Deadline deadline();

    /** What this lookup is, for a log line: the file, or the JDBC URL without password. */
    String describe();

    /** Stops the database calls (a JDBC lookup); nothing for a file. */
    @Override
    void close();

    /** Vets a value before it is used (a file's at load, naming the line; a row's at lookup). */
    interface ValueCheck {
        /** Null when {@code value} is fine, else why not (without the value if it may be secret). */
        String problem(String value);

        ValueCheck ANY = v -> null;
    }
}
