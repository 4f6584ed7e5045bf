package org.jamesexim.smtp;

import java.util.Locale;

import org.apache.james.protocols.smtp.SMTPSession;
import org.jamesexim.mailets.config.GlueParams;

/**
 * The {@code skip} parameter ({@link GlueParams#SKIP}) of the hooks that cost per message: which SMTP clients they
 * leave alone.
 */
enum ClientSkip {
    /** Every message is checked. */
    NONE,
    /** Sessions that did SMTP AUTH (submission) are not checked. */
    AUTHENTICATED,
    /** Authenticated sessions and every client James lets relay ({@code authorizedAddresses}) are not checked. */
    RELAYING;

    static ClientSkip of(String word) {
        return valueOf(word.toUpperCase(Locale.ROOT));
    }

    /** True when this session's messages are left alone. */
    boolean skips(SMTPSession session) {
        switch (this) {
            case AUTHENTICATED:
                return session.getUsername() != null;
            case RELAYING:
                return session.getUsername() != null || session.isRelayingAllowed();
            default:
                return false;
        }
    }

    String word() {
        return name().toLowerCase(Locale.ROOT);
    }
}
