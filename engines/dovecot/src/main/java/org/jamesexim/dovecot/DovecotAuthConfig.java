package org.jamesexim.dovecot;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Objects;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.jamesexim.common.Endpoint;

/**
 * How to reach Dovecot's auth service. Immutable; build with {@link #builder(Endpoint)}.
 *
 * <ul>
 *   <li>{@code server_socket}: the {@link Endpoint} ({@code /path} or {@code host port}).</li>
 *   <li>{@code server_tls}: TLS to a TCP endpoint (Dovecot 2.3's auth listener has no TLS of its own; this is for a
 *       TLS terminator such as stunnel/socat in front of it). Trust comes from {@link Builder#trustStore} or the
 *       JVM's default trust store; the server name is checked unless {@link Builder#verifyHostname} is false.</li>
 *   <li>{@code connect_timeout} (default 5 s, as Exim), {@code timeout}: the longest wait for any reply
 *       (default 20 s: Dovecot itself delays failures by 2 s and penalises repeated failures by up to 15 s).</li>
 *   <li>{@code pool_size} (default 2): connections kept open; each carries many requests at once.</li>
 *   <li>{@code max_pending} (default 256): requests waiting for Dovecot at once, over all connections; one more
 *       fails at once as a temporary failure.</li>
 *   <li>Reconnect backoff: after a failed connect, new connects wait {@code backoff_initial} doubling up to
 *       {@code backoff_max}; requests in that window fail at once as temporary failures.</li>
 * </ul>
 */
public final class DovecotAuthConfig {
    private final Endpoint endpoint;
    private final String service;
    private final boolean tls;
    private final SSLContext sslContext;
    private final String tlsServerName;
    private final boolean verifyHostname;
    private final Duration connectTimeout;
    private final Duration timeout;
    private final int poolSize;
    private final int maxPending;
    private final Duration backoffInitial;
    private final Duration backoffMax;

    private DovecotAuthConfig(Builder b) {
        this.endpoint = b.endpoint;
        this.service = b.service;
        this.tls = b.tls;
        this.sslContext = b.sslContext;
        this.tlsServerName = b.tlsServerName;
        this.verifyHostname = b.verifyHostname;
        this.connectTimeout = b.connectTimeout;
        this.timeout = b.timeout;
        this.poolSize = b.poolSize;
        this.maxPending = b.maxPending;
        this.backoffInitial = b.backoffInitial;
        this.backoffMax = b.backoffMax;
    }

    public static Builder builder(Endpoint endpoint) {
        return new Builder(endpoint);
    }

    public Endpoint endpoint() {
        return endpoint;
    }

    public String service() {
        return service;
    }

    public boolean tls() {
        return tls;
    }

    SSLContext sslContext() {
        return sslContext;
    }

    /** The name checked against the server certificate (default: the endpoint's host). */
    public String tlsServerName() {
        return tlsServerName != null ? tlsServerName : endpoint.host();
    }

    public boolean verifyHostname() {
        return verifyHostname;
    }

    public Duration connectTimeout() {
        return connectTimeout;
    }

    public Duration timeout() {
        return timeout;
    }

    public int poolSize() {
        return poolSize;
    }

    /** Most requests waiting for Dovecot at once ({@code max_pending}). */
    public int maxPending() {
        return maxPending;
    }

    public Duration backoffInitial() {
        return backoffInitial;
    }

    public Duration backoffMax() {
        return backoffMax;
    }

    @Override
    public String toString() {
        return "DovecotAuthConfig{server_socket=" + endpoint + ", server_tls=" + tls + ", timeout=" + timeout
            + ", pool_size=" + poolSize + ", max_pending=" + maxPending + "}";
    }

    /** Builder; {@link #build()} checks every value and names the one that is wrong. */
    public static final class Builder {
        private final Endpoint endpoint;
        private String service = "smtp";
        private boolean tls;
        private SSLContext sslContext;
        private String tlsServerName;
        private boolean verifyHostname = true;
        private Duration connectTimeout = Duration.ofSeconds(5);
        private Duration timeout = Duration.ofSeconds(20);
        private int poolSize = 2;
        private int maxPending = 256;
        private Duration backoffInitial = Duration.ofMillis(100);
        private Duration backoffMax = Duration.ofSeconds(5);

        private Builder(Endpoint endpoint) {
            this.endpoint = Objects.requireNonNull(endpoint, "server_socket");
        }

        /** {@code service=} sent with each request (default {@code smtp}). */
        public Builder service(String value) {
            if (value == null || value.isEmpty() || !value.chars().allMatch(c -> c > 0x20 && c < 0x7f && c != '=')) {
                throw new IllegalArgumentException("service: expected a word such as smtp, got '" + value + "'");
            }
            this.service = value;
            return this;
        }

        /** {@code server_tls}: speak TLS on the TCP connection, trusting the JVM's default trust store. */
        public Builder tls(boolean value) {
            this.tls = value;
            return this;
        }

        /**
         * {@code server_tls_trust_store}: trust only the certificates in this key store (PKCS12 or JKS), and turn
         * TLS on.
         *
         * @param password may be {@code null} for a store without integrity password
         */
        public Builder trustStore(Path path, String type, char[] password) {
            Objects.requireNonNull(path, "server_tls_trust_store");
            try (InputStream in = Files.newInputStream(path)) {
                KeyStore ks = KeyStore.getInstance(type == null ? KeyStore.getDefaultType() : type);
                ks.load(in, password);
                TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(ks);
                SSLContext ctx = SSLContext.getInstance("TLS");
                ctx.init(null, tmf.getTrustManagers(), null);
                this.sslContext = ctx;
                this.tls = true;
            } catch (IOException | GeneralSecurityException e) {
                throw new IllegalArgumentException("server_tls_trust_store: cannot load " + path + ": " + e.getMessage(), e);
            }
            return this;
        }

        /** A ready SSL context (tests, or key material from elsewhere); turns TLS on. */
        public Builder sslContext(SSLContext value) {
            this.sslContext = Objects.requireNonNull(value, "sslContext");
            this.tls = true;
            return this;
        }

        /** {@code server_tls_name}: the name the certificate must carry (default: the host of server_socket). */
        public Builder tlsServerName(String value) {
            this.tlsServerName = value;
            return this;
        }

        /** {@code server_tls_verify_hostname} (default true). */
        public Builder verifyHostname(boolean value) {
            this.verifyHostname = value;
            return this;
        }

        public Builder connectTimeout(Duration value) {
            this.connectTimeout = positive(value, "connect_timeout");
            return this;
        }

        public Builder timeout(Duration value) {
            this.timeout = positive(value, "timeout");
            return this;
        }

        public Builder poolSize(int value) {
            if (value < 1 || value > 64) {
                throw new IllegalArgumentException("pool_size: expected 1..64, got " + value);
            }
            this.poolSize = value;
            return this;
        }

        /** {@code max_pending}: requests waiting for Dovecot at once (1..65536, default 256). */
        public Builder maxPending(int value) {
            if (value < 1 || value > 65536) {
                throw new IllegalArgumentException("max_pending: expected 1..65536, got " + value);
            }
            this.maxPending = value;
            return this;
        }

        public Builder backoff(Duration initial, Duration max) {
            this.backoffInitial = positive(initial, "backoff_initial");
            this.backoffMax = positive(max, "backoff_max");
            if (backoffMax.compareTo(backoffInitial) < 0) {
                throw new IllegalArgumentException("backoff_max (" + max + ") is below backoff_initial (" + initial + ")");
            }
            return this;
        }

        private static Duration positive(Duration d, String name) {
            if (d == null || d.isNegative() || d.isZero() || d.toMillis() > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(name + ": expected a positive duration, got " + d);
            }
            return d;
        }

        public DovecotAuthConfig build() {
            if (tls && endpoint.isUnix()) {
                throw new IllegalArgumentException("server_tls: TLS needs a TCP server_socket, not the unix socket "
                    + endpoint.path());
            }
            if (tls && sslContext == null) {
                try {
                    sslContext = SSLContext.getDefault();
                } catch (GeneralSecurityException e) {
                    throw new IllegalArgumentException("server_tls: no default TLS context: " + e.getMessage(), e);
                }
            }
            return new DovecotAuthConfig(this);
        }
    }
}
