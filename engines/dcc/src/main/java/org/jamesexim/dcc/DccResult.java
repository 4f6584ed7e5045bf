package org.jamesexim.dcc;

import java.util.Objects;

/**
 * What one dccifd exchange gave. Immutable.
 *
 * <p>{@link #outcome()} is the result of Exim's {@code dcc} ACL condition: {@code A} and {@code S} accept,
 * {@code R} and {@code G} fail, {@code T}, an unknown reply byte, no reply, a timeout or any I/O error defer.
 * {@link #dccResult()} is Exim's {@code $dcc_result}: the reply byte ({@code S} reads {@code A}, an unknown byte
 * reads {@code T}), empty when dccifd gave no answer. {@link #dccHeader()} is Exim's {@code $dcc_header}.</p>
 */
public final class DccResult {
    /** The outcome of the {@code dcc} condition. */
    public enum Outcome {
        /** overall {@code A} or {@code S} */
        ACCEPT,
        /** overall {@code R} or {@code G} */
        FAIL,
        /** overall {@code T}, an unknown reply, or no answer at all */
        DEFER;

        /** The condition word used in configuration: {@code accept}, {@code fail}, {@code defer}. */
        public String word() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final Outcome outcome;
    private final char reply;
    private final String dccResult;
    private final String recipientResults;
    private final String dccHeader;
    private final String checksums;
    private final String detail;

    DccResult(Outcome outcome, char reply, String dccResult, String recipientResults, String dccHeader, String checksums, String detail) {
        this.outcome = Objects.requireNonNull(outcome);
        this.reply = reply;
        this.dccResult = Objects.requireNonNull(dccResult);
        this.recipientResults = Objects.requireNonNull(recipientResults);
        this.dccHeader = Objects.requireNonNull(dccHeader);
        this.checksums = Objects.requireNonNull(checksums);
        this.detail = Objects.requireNonNull(detail);
    }

    /** A DEFER without any reply from dccifd (connect failure, timeout, I/O error, no reply). */
    public static DccResult noAnswer(String detail) {
        return new DccResult(Outcome.DEFER, '\0', "", "", "", "", detail);
    }

    /**
     * Rebuilds a result from a {@code $dcc_result} value recorded earlier (e.g. by the SMTP hook, in a mail attribute),
     * so a later check of the same message reuses it instead of asking dccifd again, as Exim caches per message.
     * Returns null for an empty or unknown value (nothing to reuse: Exim does not cache failures either).
     */
    public static DccResult fromRecorded(String dccResult, String dccHeader) {
        return fromRecorded(dccResult, dccHeader, "");
    }

    /**
     * As {@link #fromRecorded(String, String)}, with the per-recipient line recorded with it (reply line 2, one of
     * {@code A R G} per recipient of the mail as it was then; anything else in it is dropped).
     */
    public static DccResult fromRecorded(String dccResult, String dccHeader, String recipientResults) {
        if (dccResult == null || dccResult.length() != 1) {
            return null;
        }
        char c = dccResult.charAt(0);
        Outcome o;
        switch (c) {
            case 'A':
                o = Outcome.ACCEPT;
                break;
            case 'R':
            case 'G':
                o = Outcome.FAIL;
                break;
            case 'T':
                o = Outcome.DEFER;
                break;
            default:
                return null;
        }
        String line = recipientResults == null ? "" : recipientResults.replaceAll("[^ARG]", "");
        return new DccResult(o, c, dccResult, line, dccHeader == null ? "" : dccHeader, "", "recorded earlier: " + c);
    }

    public Outcome outcome() {
        return outcome;
    }

    /** The outcome with {@code defer_ok}: DEFER becomes FAIL (Exim's {@code dcc = *}{@code /defer_ok}). */
    public Outcome outcome(boolean deferOk) {
        return deferOk && outcome == Outcome.DEFER ? Outcome.FAIL : outcome;
    }

    /** True when dccifd answered with a known result byte. */
    public boolean answered() {
        return reply != '\0';
    }

    /** The first byte of the reply as sent ({@code A G R S T} or other), {@code '\0'} when there was none. */
    public char reply() {
        return reply;
    }

    /** Exim's {@code $dcc_result}: {@code A R G T} or empty. */
    public String dccResult() {
        return dccResult;
    }

    /** Reply line 2: one of {@code A R G} per recipient, in request order (may be empty). */
    public String recipientResults() {
        return recipientResults;
    }

    /**
     * Exim's {@code $dcc_header}: the X-DCC header as dccifd sent it (folded with LF TAB) followed by LF,
     * or empty when there was none or it did not start with {@code X-DCC}.
     */
    public String dccHeader() {
        return dccHeader;
    }

    /** The header field name ({@code X-DCC-<brand>-Metrics}), or null without a header. */
    public String headerName() {
        int colon = dccHeader.indexOf(':');
        return colon <= 0 ? null : dccHeader.substring(0, colon);
    }

    /** The header field value with its folding kept as CRLF TAB (ready for a MIME header), or null without a header. */
    public String headerValue() {
        int colon = dccHeader.indexOf(':');
        if (colon <= 0) {
            return null;
        }
        String v = dccHeader.substring(colon + 1);
        if (v.endsWith("\n")) {
            v = v.substring(0, v.length() - 1);
        }
        if (v.startsWith(" ")) {
            v = v.substring(1);
        }
        return v.replace("\n", "\r\n");
    }

    /** The checksum table dccifd sends after the header for the {@code cksums} option (empty otherwise). */
    public String checksums() {
        return checksums;
    }

    /** A one-line explanation for logs (what happened; never message content). */
    public String detail() {
        return detail;
    }

    @Override
    public String toString() {
        return "DccResult{" + outcome.word() + ", dcc_result=" + (dccResult.isEmpty() ? "''" : dccResult)
            + ", recipients=" + recipientResults + ", " + detail + "}";
    }
}
