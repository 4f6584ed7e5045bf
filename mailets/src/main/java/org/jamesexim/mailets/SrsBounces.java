package org.jamesexim.mailets;

import java.util.function.Predicate;

import javax.mail.internet.AddressException;

import org.apache.james.core.Domain;
import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.jamesexim.srs.SrsBounceCheck;
import org.jamesexim.srs.SrsDeadline;
import org.jamesexim.srs.SrsEngine;
import org.jamesexim.srs.SrsReverseResult;

/**
 * James's side of {@link SrsBounceCheck}, the one decision {@code SrsRcptHook} (at RCPT) and {@link SrsReverse} (in the
 * spool) both make about a recipient: the engine decides; this class only turns James's addresses into text and back,
 * and refuses (as {@code bad hash}) an address that decodes to something James does not accept. Thread-safe.
 */
public final class SrsBounces {
    /** A verdict with what the engine said and, for {@link SrsBounceCheck.Verdict#VALID}, James's address to send to. */
    public static final class Decision {
        private final SrsBounceCheck.Decision decision;
        private final MailAddress decoded;

        Decision(SrsBounceCheck.Decision decision, MailAddress decoded) {
            this.decision = decision;
            this.decoded = decoded;
        }

        public SrsBounceCheck.Verdict verdict() {
            return decision.verdict();
        }

        /** The engine's result; null for {@code NOT_OURS} (when not asked) and {@code NOT_A_BOUNCE}. */
        public SrsReverseResult result() {
            return decision.result();
        }

        /** The address to send the bounce to, for {@code VALID}. */
        public MailAddress decoded() {
            return decoded;
        }

        /** Why it is not valid (outside text: log it through {@link SrsSettings#safe}). */
        public String why() {
            return decision.why();
        }

        /** The word for {@code jexim.srs_status}. */
        public String status() {
            return decision.status().text();
        }
    }

    /** The reason logged for an SRS address at one of our domains that is not an SRS domain. */
    public static final String NOT_OURS = "not ours";

    private final SrsSettings settings;
    private volatile SrsBounceCheck check;

    public SrsBounces(SrsSettings settings) {
        this.settings = settings;
        this.check = new SrsBounceCheck(settings.engine(), settings.exim(), settings.bouncesOnly());
    }

    /** The check with the engine in use now (a new one after the secrets file changed). */
    private SrsBounceCheck check() {
        SrsBounceCheck c = check;
        SrsEngine engine = settings.engine();
        if (c.engine() != engine) {
            c = new SrsBounceCheck(engine, settings.exim(), settings.bouncesOnly());
            check = c;
        }
        return c;
    }

    /** An {@code SRS0}/{@code SRS1} local part with a separator, quoted or not, any case. */
    public static boolean looksSrs(MailAddress rcpt) {
        return SrsBounceCheck.looksSrs(rcpt.getLocalPart());
    }

    /**
     * @param sender the envelope sender
     * @param ours whether a domain is one of our SRS domains (see {@link SrsSettings#inAliasDomains})
     * @param deadline for the database calls of this message
     */
    public Decision decide(MaybeSender sender, MailAddress rcpt, Predicate<Domain> ours, SrsDeadline deadline) {
        boolean nullSender = sender == null || sender.isNullSender();
        SrsBounceCheck.Decision d = check().decide(nullSender, rcpt.getLocalPart(), rcpt.asString(),
            looksSrs(rcpt) && ours.test(rcpt.getDomain()), deadline);
        if (d.verdict() != SrsBounceCheck.Verdict.VALID) {
            return new Decision(d, null);
        }
        try {
            return new Decision(d, new MailAddress(d.decoded()));
        } catch (AddressException | RuntimeException e) {
            return new Decision(SrsBounceCheck.refused(d.result(), "decodes to '" + d.decoded() + "', not an address James accepts"), null);
        }
    }
}
