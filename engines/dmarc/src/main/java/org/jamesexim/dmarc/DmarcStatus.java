package org.jamesexim.dmarc;

import java.util.Locale;

/** The DMARC result as RFC 8601 / RFC 7489 §11.2 name it in Authentication-Results. */
public enum DmarcStatus {
    /** An aligned SPF or DKIM pass. */
    PASS,
    /** A policy record exists and neither SPF nor DKIM passed aligned. */
    FAIL,
    /** No policy record (or none usable: several, or none starting with {@code v=DMARC1}). */
    NONE,
    /** DNS could not answer in time (the record, or an input that could have passed): the 4xx path, never a reject. */
    TEMPERROR,
    /** The message cannot be evaluated: no From domain, several From domains, a From domain that is no domain. */
    PERMERROR;

    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The status named {@code word} (any case), or {@code null}. */
    public static DmarcStatus fromWord(String word) {
        for (DmarcStatus s : values()) {
            if (s.word().equalsIgnoreCase(word)) {
                return s;
            }
        }
        return null;
    }
}
