package org.jamesexim.dmarc;

import java.util.Locale;

/** A DMARC policy ({@code p=}, {@code sp=}, {@code np=}) or the disposition applied to a message. */
public enum DmarcPolicy {
    NONE, QUARANTINE, REJECT;

    /** The word as DMARC records and our attributes write it: {@code none}, {@code quarantine}, {@code reject}. */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The policy named {@code word} (any case), or {@code null} when it names none. */
    public static DmarcPolicy fromWord(String word) {
        if (word == null) {
            return null;
        }
        switch (word.toLowerCase(Locale.ROOT)) {
            case "none":
                return NONE;
            case "quarantine":
                return QUARANTINE;
            case "reject":
                return REJECT;
            default:
                return null;
        }
    }

    /** One step less strict (reject → quarantine → none), as RFC 7489 §6.6.4 does for a message {@code pct} left out. */
    public DmarcPolicy weaker() {
        return this == REJECT ? QUARANTINE : NONE;
    }
}
