package org.jamesexim.srs;

import java.util.Objects;

/**
 * The one decision made about a recipient of a possible bounce to one of our SRS addresses, at RCPT (the SMTP hook)
 * and in the spool (the reversing mailet) alike, so that the hook's {@code 250} only promises what the mailet will
 * really do: an SRS-tagged local part (quoted or not) in one of our domains, sent by the null sender unless
 * {@code bouncesOnly} is off, whose hash and age verify with our secrets or, failing that (but never after a
 * database deferral), with the Exim native secret. Immutable and thread-safe.
 */
public final class SrsBounceCheck {
    /** What to do with the recipient. */
    public enum Verdict {
        /** Not an SRS address of ours: leave it alone. */
        NOT_OURS,
        /** Ours, but the sender is not null and {@code bouncesOnly} is on. */
        NOT_A_BOUNCE,
        /** Send it back to {@link Decision#decoded()}. */
        VALID,
        /** Forged, truncated, malformed or unknown key. */
        BAD_HASH,
        /** Ours and signed, but older than maxage. */
        EXPIRED,
        /** Database mode: the database could not be asked in time; try again later. */
        DEFER
    }

    /** A verdict with what the engine said. */
    public static final class Decision {
        private final Verdict verdict;
        private final SrsReverseResult result;
        private final String why;

        Decision(Verdict verdict, SrsReverseResult result, String why) {
            this.verdict = verdict;
            this.result = result;
            this.why = why;
        }

        public Verdict verdict() {
            return verdict;
        }

        /** The engine's result; null for {@link Verdict#NOT_OURS} before the engine was asked and {@link Verdict#NOT_A_BOUNCE}. */
        public SrsReverseResult result() {
            return result;
        }

        /** The address the bounce goes back to, for {@link Verdict#VALID}. */
        public String decoded() {
            return verdict == Verdict.VALID ? result.recipient().orElseThrow() : null;
        }

        /** Why it is not valid (outside text: escape it before logging). */
        public String why() {
            return why;
        }

        /** The {@code srs_status} word. */
        public SrsStatus status() {
            switch (verdict) {
                case VALID:
                    return SrsStatus.VALID;
                case EXPIRED:
                    return SrsStatus.EXPIRED;
                case DEFER:
                    return SrsStatus.DEFER;
                case BAD_HASH:
                    return SrsStatus.BAD_HASH;
                default:
                    return SrsStatus.NOT_SRS;
            }
        }
    }

    private final SrsEngine engine;
    private final EximNativeSrs exim;
    private final boolean bouncesOnly;

    /**
     * @param exim Exim native SRS to try when ours does not verify; null for none
     * @param bouncesOnly only the null sender may use our SRS addresses
     */
    public SrsBounceCheck(SrsEngine engine, EximNativeSrs exim, boolean bouncesOnly) {
        this.engine = Objects.requireNonNull(engine, "engine");
        this.exim = exim;
        this.bouncesOnly = bouncesOnly;
    }

    /** The engine this check asks. */
    public SrsEngine engine() {
        return engine;
    }

    /** An {@code SRS0}/{@code SRS1} local part with a separator, quoted or not, any case. */
    public static boolean looksSrs(String localPart) {
        String local = localPart.startsWith("\"") ? localPart.substring(1) : localPart;
        if (local.length() < 5) {
            return false;
        }
        char sep = local.charAt(4);
        return (local.regionMatches(true, 0, "SRS0", 0, 4) || local.regionMatches(true, 0, "SRS1", 0, 4))
            && (sep == '=' || sep == '+' || sep == '-');
    }

    /**
     * @param nullSender whether the envelope sender is the null sender
     * @param localPart the recipient's local part, as sent (quoted or not)
     * @param address the whole recipient address
     * @param ours whether the recipient's domain is one of our SRS domains
     * @param deadline for the database calls of this message
     */
    public Decision decide(boolean nullSender, String localPart, String address, boolean ours, SrsDeadline deadline) {
        if (!looksSrs(localPart) || !ours) {
            return new Decision(Verdict.NOT_OURS, null, "not an SRS address of ours");
        }
        if (bouncesOnly && !nullSender) {
            return new Decision(Verdict.NOT_A_BOUNCE, null, "bouncesOnly and the sender is not null");
        }
        SrsReverseResult r = engine.reverse(address, deadline);
        if (!r.valid() && exim != null && r.status() != SrsStatus.DEFER) {
            SrsReverseResult e = exim.inbound(address);
            if (e.valid() && e.recipient().isPresent()) {
                r = e;
            }
        }
        switch (r.status()) {
            case VALID:
                if (r.recipient().isEmpty()) {
                    return new Decision(Verdict.BAD_HASH, r, "valid but decodes to no address");
                }
                return new Decision(Verdict.VALID, r, null);
            case EXPIRED:
                return new Decision(Verdict.EXPIRED, r, r.error().orElse("expired"));
            case DEFER:
                return new Decision(Verdict.DEFER, r, r.error().orElse("defer"));
            case BAD_HASH:
                return new Decision(Verdict.BAD_HASH, r, r.error().orElse("bad hash"));
            default:
                // SRS-tagged but not SRS to the engine (e.g. a line break): not ours to accept
                return new Decision(Verdict.NOT_OURS, r, r.error().orElse("not SRS"));
        }
    }

    /** A decision for an address the caller found unusable after all (e.g. James does not accept what it decodes to). */
    public static Decision refused(SrsReverseResult result, String why) {
        return new Decision(Verdict.BAD_HASH, result, why);
    }
}
