package org.jamesexim.srs;

/**
 * The outcome of reversing an address, named as in the attribute {@code jexim.srs_status}.
 */
public enum SrsStatus {
    /** A well-formed SRS address whose hash matches one of our secrets and whose timestamp is within maxage. */
    VALID("valid"),
    /** The hash is ours but the timestamp is older than maxage (or from the future). */
    EXPIRED("expired"),
    /** SRS-shaped but the hash is missing, too short, forged or signed with a secret we don't know (also malformed SRS, unknown database key). */
    BAD_HASH("bad hash"),
    /** Not an SRS address at all: leave it to the rest of the configuration. */
    NOT_SRS("not SRS"),
    /** Database mode only: the database could not be asked in time. A temporary failure; try again later. */
    DEFER("defer");

    private final String text;

    SrsStatus(String text) {
        this.text = text;
    }

    /** The word used in the attribute {@code jexim.srs_status}, logs and docs. */
    public String text() {
        return text;
    }

    /** The status whose {@link #text()} is {@code text} (case-insensitive), for matcher conditions. */
    public static SrsStatus fromText(String text) {
        String t = text.trim();
        for (SrsStatus s : values()) {
            if (s.text.equalsIgnoreCase(t) || s.name().equalsIgnoreCase(t.replace(' ', '_'))) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown SRS status '" + text + "'; expected one of: valid, expired, bad hash, not SRS, defer");
    }

    @Override
    public String toString() {
        return text;
    }
}
