/**
 * A client of Dovecot's authentication protocol (auth-client 1.x), the service that Exim's {@code dovecot}
 * authenticator and Postfix's {@code smtpd_sasl_type = dovecot} talk to.
 *
 * <p>{@link org.jamesexim.dovecot.DovecotAuthClient} keeps a small pool of connections to one
 * {@code server_socket} (TCP {@code host port} or a unix socket path, optionally TLS), multiplexes requests on them
 * by request id, bounds every wait by a timeout, and reconnects with backoff. Plain Java, no James types.</p>
 */
package org.jamesexim.dovecot;
