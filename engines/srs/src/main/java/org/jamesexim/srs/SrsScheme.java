package org.jamesexim.srs;

/**
 * The rewriting schemes of Mail::SRS 0.31. {@link #GUARDED} is the one libsrs_alt, libsrs2/postsrsd and Exim's
 * libsrs_alt support implement, and the default; the other two exist for comparison with Mail::SRS.
 */
public enum SrsScheme {
    /** SRS0 for a first hop, SRS1 when re-forwarding an SRS address (the standard). */
    GUARDED,
    /** Unwraps a foreign SRS0 into a fresh SRS0 for the original sender. Mail::SRS calls it "a very bad idea". */
    SHORTCUT,
    /** Treats every sender as opaque; SRS addresses nest and grow. */
    REVERSIBLE;

    public static SrsScheme parse(String value) {
        for (SrsScheme s : values()) {
            if (s.name().equalsIgnoreCase(value.trim())) {
                return s;
            }
        }
        throw new IllegalArgumentException("scheme must be guarded, shortcut or reversible, not '" + value + "'");
    }
}
