package org.jamesexim.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.apache.commons.configuration2.BaseHierarchicalConfiguration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.junit.jupiter.api.Test;

/** init() fails fast, naming the parameter; a valid configuration starts without Dovecot running. */
class DovecotAuthHookConfigTest {
    private static BaseHierarchicalConfiguration config(String... keyValues) {
        BaseHierarchicalConfiguration c = new BaseHierarchicalConfiguration();
        for (int i = 0; i < keyValues.length; i += 2) {
            c.addProperty(keyValues[i], keyValues[i + 1]);
        }
        return c;
    }

    private static void assertRejected(String parameter, String... keyValues) {
        assertThatThrownBy(() -> new DovecotAuthHook().init(config(keyValues)))
            .isInstanceOf(ConfigurationException.class)
            .hasMessageContaining(parameter);
    }

    @Test
    void badValuesNameTheirParameter() {
        assertRejected("server_socket");
        assertRejected("server_socket", "server_socket", "not a socket at all");
        assertRejected("server_set_id", "server_socket", "127.0.0.1 12345", "server_set_id", "$auth2");
        assertRejected("timeout", "server_socket", "127.0.0.1 12345", "timeout", "soon");
        assertRejected("connect_timeout", "server_socket", "127.0.0.1 12345", "connect_timeout", "0s");
        assertRejected("pool_size", "server_socket", "127.0.0.1 12345", "pool_size", "100");
        assertRejected("server_tls", "server_socket", "/run/dovecot/auth-client", "server_tls", "true");
        assertRejected("server_tls", "server_socket", "127.0.0.1 12345", "server_tls", "maybe");
        assertRejected("server_tls_trust_store", "server_socket", "127.0.0.1 12345",
            "server_tls_trust_store", "/nonexistent/trust.p12");
        assertRejected("reject_nologin", "server_socket", "127.0.0.1 12345", "reject_nologin", "sometimes");
        assertRejected("max_pending", "server_socket", "127.0.0.1 12345", "max_pending", "0");
        assertRejected("user_domain", "server_socket", "127.0.0.1 12345", "user_domain", "example.test>");
    }

    /** A trust store password that does not open the store is never part of the error James prints at startup. */
    @Test
    void aWrongTrustStorePasswordIsNotInTheError() throws Exception {
        java.nio.file.Path store = java.nio.file.Files.createTempFile("trust", ".p12");
        try {
            java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            try (java.io.OutputStream out = java.nio.file.Files.newOutputStream(store)) {
                ks.store(out, "right-store-password".toCharArray());
            }
            String wrong = "Wrong-Store-Secret-42";
            assertThatThrownBy(() -> new DovecotAuthHook().init(config("server_socket", "127.0.0.1 12345",
                "server_tls_trust_store", store.toString(), "server_tls_trust_store_password", wrong)))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("server_tls_trust_store")
                .satisfies(e -> {
                    for (Throwable t = e; t != null; t = t.getCause()) {
                        assertThat(String.valueOf(t.getMessage())).doesNotContain(wrong);
                    }
                });
        } finally {
            java.nio.file.Files.delete(store);
        }
    }

    @Test
    void validConfigurationStartsWithoutDovecot() throws Exception {
        DovecotAuthHook hook = new DovecotAuthHook();
        // nothing listens on port 1: init must not connect
        hook.init(config("server_socket", "127.0.0.1 1", "server_set_id", "login", "timeout", "500ms",
            "pool_size", "3", "backoff_max", "1m"));
        hook.destroy();
    }

    @Test
    void durations() {
        assertThat(DovecotAuthHook.duration(config("t", "500ms"), "t", "1s")).isEqualTo(Duration.ofMillis(500));
        assertThat(DovecotAuthHook.duration(config("t", "7"), "t", "1s")).isEqualTo(Duration.ofSeconds(7));
        assertThat(DovecotAuthHook.duration(config("t", "2m"), "t", "1s")).isEqualTo(Duration.ofMinutes(2));
        assertThat(DovecotAuthHook.duration(config(), "t", "20s")).isEqualTo(Duration.ofSeconds(20));
    }
}
