package org.jamesexim.arc;

import java.util.Locale;

/** The chain validation status of RFC 8617 (Exim's {@code $arc_state}). */
public enum ArcState {
    NONE, PASS, FAIL;

    /** The lower-case word used in headers, attributes and logs: {@code none}, {@code pass}, {@code fail}. */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code none}/{@code pass}/{@code fail} (any case); {@code null} for anything else. */
    public static ArcState fromWord(String word) {
        if (word == null) {
            return null;
        }
        switch (word.trim().toLowerCase(Locale.ROOT)) {
            case "none": return NONE;
            case "pass": return PASS;
            case "fail": return FAIL;
            default: return null;
        }
    }
}
