package org.jamesexim.arc;

import java.util.Locale;

/**
 * One header field exactly as it appeared: {@link #raw()} holds the name, the colon and the (possibly folded)
 * value with its original bytes (decoded as ISO-8859-1, so every byte maps to one char) and without the final CRLF.
 */
public final class HeaderField {
    private final String raw;
    private final int colon;
    private final String lowerName;

    HeaderField(String raw) {
        this.raw = raw;
        this.colon = raw.indexOf(':');
        if (colon < 0) {
            this.lowerName = "";
        } else {
            int end = colon;
            while (end > 0 && (raw.charAt(end - 1) == ' ' || raw.charAt(end - 1) == '\t')) {
                end--;
            }
            this.lowerName = raw.substring(0, end).toLowerCase(Locale.ROOT);
        }
    }

    /** Builds a field from a name and an (already folded) value; {@code "Name: value"}. */
    public static HeaderField of(String name, String value) {
        return new HeaderField(name + ": " + value);
    }

    public String raw() {
        return raw;
    }

    /** Lower-case field name; empty for a line without a colon. */
    public String lowerName() {
        return lowerName;
    }

    public boolean hasName(String lower) {
        return lowerName.equals(lower);
    }

    /** Everything after the colon, unchanged (still folded). */
    public String value() {
        return colon < 0 ? raw : raw.substring(colon + 1);
    }

    /** Index of the colon in {@link #raw()}, -1 if none. */
    public int colon() {
        return colon;
    }

    @Override
    public String toString() {
        return raw;
    }
}
