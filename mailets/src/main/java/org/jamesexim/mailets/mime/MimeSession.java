package org.jamesexim.mailets.mime;

import java.util.Properties;

import javax.mail.Session;

/**
 * The one javax.mail {@link Session} the pack's mailets build messages with. A new Session reads
 * {@code javamail.providers} and {@code javamail.address.map} from every JAR of James's class path, which cost more
 * per mail than ARC's RSA signatures (load run profile, BENCHMARKS.md); a Session holding only the default
 * properties is read-only afterwards and safe to share between threads.
 */
public final class MimeSession {
    public static final Session SHARED = Session.getInstance(new Properties());

    private MimeSession() {
    }
}
