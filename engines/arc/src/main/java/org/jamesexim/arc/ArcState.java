package org.jamesexim.arc;

import java.util.Locale;

/**
 * The chain validation status of RFC 8617 (Exim's {@code $arc_state}: none, pass, fail), plus {@link #TEMPERROR}:
 * the chain could not be checked because a key could not be fetched in time (DNS timeout, SERVFAIL, the per-message
 * DNS deadline). A temporary error is never reported as {@code fail} or {@code none}: asked again later, the same
 * message may pass.
 */
public enum ArcState {
    NONE, PASS, FAIL, TEMPERROR;

    /**
     * The lower-case word used in headers, attributes and logs: {@code none}, {@code pass}, {@code fail},
     * {@code temperror}.
     */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code none}/{@code pass}/{@code fail}/{@code temperror} (any case); {@code null} for anything else. */
    public static ArcState fromWord(String word) {
        if (word == null) {
            return null;
        }
        switch (word.trim().toLowerCase(Locale.ROOT)) {
            case "none": return NONE;
            case "pass": return PASS;
            case "fail": return FAIL;
            case "temperror": return TEMPERROR;
            default: return null;
        }
    }
}
