package org.jamesexim.dovecot;

import java.util.Locale;

import org.jamesexim.common.lookup.LookupResult;

/**
 * Exim's {@code server_condition} on the dovecot authenticator, in lookup form: checked only after Dovecot's OK, so it
 * can only veto. The SMTP identity is looked up (typically {@code ${lookup{$auth1}lsearch{/etc/exim/smtp-users}}}); the
 * value is read as Exim reads a condition's result: {@code 1}, {@code yes}, {@code true} (any case) allow; empty,
 * {@code 0}, {@code no}, {@code false} refuse, and so does no value at all (not in the table). Any other value is an
 * error in the table, and a lookup that failed (database down) is temporary: both defer ({@code 454}), as Exim defers
 * on a condition it cannot evaluate. Pure.
 */
public final class ServerCondition {
    /** What the condition says about an authenticated client. */
    public enum Verdict { ALLOW, REFUSE, DEFER }

    private ServerCondition() {
    }

    /** The verdict on {@code r}, the lookup of the client's identity. */
    public static Verdict of(LookupResult r) {
        if (r.failed()) {
            return Verdict.DEFER;
        }
        if (r.value().isEmpty()) {
            return Verdict.REFUSE;
        }
        switch (r.value().get().trim().toLowerCase(Locale.ROOT)) {
            case "1":
            case "yes":
            case "true":
                return Verdict.ALLOW;
            case "":
            case "0":
            case "no":
            case "false":
                return Verdict.REFUSE;
            default:
                return Verdict.DEFER;
        }
    }
}
