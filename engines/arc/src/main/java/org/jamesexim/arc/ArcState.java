package org.jamesexim.arc;

import java.util.Collection;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

import org.jamesexim.common.LogText;

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

    /**
     * The states a list such as Exim's {@code verify = arc/none:pass} accepts: those listed and, wherever
     * {@code fail} is listed, {@code temperror} too (a temporary error ends as pass or fail).
     *
     * @throws IllegalArgumentException naming a word that is not a state
     */
    public static Set<ArcState> acceptable(Collection<String> words) {
        Set<ArcState> out = EnumSet.noneOf(ArcState.class);
        for (String w : words) {
            ArcState s = fromWord(w);
            if (s == null) {
                throw new IllegalArgumentException("'" + LogText.escape(w, 40) + "' is not one of none, pass, fail, temperror");
            }
            out.add(s);
        }
        if (out.contains(FAIL)) {
            out.add(TEMPERROR);
        }
        return out;
    }
}
