package org.jamesexim.mailets;

import java.util.function.Predicate;

import javax.mail.internet.AddressException;

import org.apache.james.core.Domain;
import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.jamesexim.srs.SrsDeadline;
import org.jamesexim.srs.SrsReverseResult;
import org.jamesexim.srs.SrsStatus;

/**
 * The one decision {@code SrsRcptHook} (at RCPT) and {@link SrsReverse} (in the spool) both make about a recipient,
 * so that the hook's {@code 250} only promises what the mailet will really do: an SRS-tagged local part (quoted or
 * not) in one of our alias domains, sent by the null sender unless {@code bouncesOnly} is false, whose hash and age
 * verify (our secrets, or the Exim native secret), and which decodes to an address James accepts. Thread-safe.
 */
public final class SrsBounces {
    /** What to do with the recipient. */
    public enum Verdict {
        /** Not an SRS address of ours: leave it to the rest of James (the hook declines). */
        NOT_OURS,
        /** Ours, but the sender is not null and {@code bouncesOnly} is on. */
        NOT_A_BOUNCE,
        /** Send it back to {@link Decision#decoded()}. */
        VALID,
        /** Forged, truncated, malformed, unknown key, or decodes to an address James does not accept. */
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
        private final MailAddress decoded;
        private final String why;

        Decision(Verdict verdict, SrsReverseResult result, MailAddress decoded, String why) {
            this.verdict = verdict;
            this.result = result;
            this.decoded = decoded;
            this.why = why;
        }

        public Verdict verdict() {
            return verdict;
        }

        /** The engine's result; null for {@link Verdict#NOT_OURS} and {@link Verdict#NOT_A_BOUNCE}. */
        public SrsReverseResult result() {
            return result;
        }

        /** The address to send the bounce to, for {@link Verdict#VALID}. */
        public MailAddress decoded() {
            return decoded;
        }

        /** Why it is not valid (outside text: log it through {@link SrsSettings#safe}). */
        public String why() {
            return why;
        }

        /** The word for {@code jexim.srs_status}. */
        public String status() {
            switch (verdict) {
                case VALID:
                    return SrsStatus.VALID.text();
                case EXPIRED:
                    return SrsStatus.EXPIRED.text();
                case DEFER:
                    return SrsStatus.DEFER.text();
                case BAD_HASH:
                    return SrsStatus.BAD_HASH.text();
                default:
                    return SrsStatus.NOT_SRS.text();
            }
        }
    }

    private final SrsSettings settings;

    public SrsBounces(SrsSettings settings) {
        this.settings = settings;
    }

    /** An {@code SRS0}/{@code SRS1} local part with a separator, quoted or not, any case. */
    public static boolean looksSrs(MailAddress rcpt) {
        String local = rcpt.getLocalPart();
        if (local.startsWith("\"")) {
            local = local.substring(1);
        }
        if (local.length() < 5) {
            return false;
        }
        char sep = local.charAt(4);
        return (local.regionMatches(true, 0, "SRS0", 0, 4) || local.regionMatches(true, 0, "SRS1", 0, 4))
            && (sep == '=' || sep == '+' || sep == '-');
    }

    /**
     * @param sender the envelope sender
     * @param ours whether a domain is one of our SRS domains (see {@link SrsSettings#inAliasDomains})
     * @param deadline for the database calls of this message
     */
    public Decision decide(MaybeSender sender, MailAddress rcpt, Predicate<Domain> ours, SrsDeadline deadline) {
        if (!looksSrs(rcpt) || !ours.test(rcpt.getDomain())) {
            return new Decision(Verdict.NOT_OURS, null, null, "not an SRS address of ours");
        }
        if (settings.bouncesOnly() && sender != null && !sender.isNullSender()) {
            return new Decision(Verdict.NOT_A_BOUNCE, null, null, "bouncesOnly and the sender is not null");
        }
        SrsReverseResult r = settings.engine().reverse(rcpt.asString(), deadline);
        if (!r.valid() && settings.exim() != null && r.status() != SrsStatus.DEFER) {
            SrsReverseResult e = settings.exim().inbound(rcpt.asString());
            if (e.valid() && e.recipient().isPresent()) {
                r = e;
            }
        }
        switch (r.status()) {
            case VALID:
                try {
                    return new Decision(Verdict.VALID, r, new MailAddress(r.recipient().orElseThrow()), null);
                } catch (AddressException | RuntimeException e) {
                    return new Decision(Verdict.BAD_HASH, r, null, "decodes to '" + r.recipient().orElse("") + "', not an address James accepts");
                }
            case EXPIRED:
                return new Decision(Verdict.EXPIRED, r, null, r.error().orElse("expired"));
            case DEFER:
                return new Decision(Verdict.DEFER, r, null, r.error().orElse("defer"));
            case BAD_HASH:
                return new Decision(Verdict.BAD_HASH, r, null, r.error().orElse("bad hash"));
            default:
                // SRS-tagged but not SRS to the engine (e.g. a line break): not ours to accept
                return new Decision(Verdict.NOT_OURS, r, null, r.error().orElse("not SRS"));
        }
    }
}
