package org.jamesexim.it.dovecot;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;

import org.jamesexim.dovecot.testing.RealDovecot;
import org.jamesexim.dovecot.testing.SocatTls;
import org.jamesexim.it.JamesHarness;
import org.jamesexim.it.SmtpClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code server_tls} through a real James: Dovecot 2.3 has no TLS on its auth listener, so socat terminates TLS in
 * front of it (certificate for 127.0.0.1 / localhost), and the hook trusts exactly that certificate through
 * {@code server_tls_trust_store}. The example smtpserver.xml gets these hook parameters added:
 * <pre>{@code
 * <server_socket>127.0.0.1 <socat port></server_socket>
 * <server_tls>true</server_tls>
 * <server_tls_trust_store>/path/trust.p12</server_tls_trust_store>
 * <server_tls_trust_store_type>PKCS12</server_tls_trust_store_type>
 * <server_tls_trust_store_password>changeit</server_tls_trust_store_password>
 * }</pre>
 */
class DovecotAuthTlsTest {
    private static RealDovecot dovecot;
    private static SocatTls socat;
    private static JamesHarness james;

    @BeforeAll
    static void boot() throws Exception {
        dovecot = RealDovecot.start();
        socat = SocatTls.start(Files.createDirectories(dovecot.directory().resolve("tls")), dovecot.port());
        String tls = "\n<server_tls>true</server_tls>"
            + "\n<server_tls_trust_store>" + socat.trustStore() + "</server_tls_trust_store>"
            + "\n<server_tls_trust_store_type>PKCS12</server_tls_trust_store_type>"
            + "\n<server_tls_trust_store_password>" + SocatTls.TRUST_STORE_PASSWORD + "</server_tls_trust_store_password>";
        james = JamesHarness.builder()
            .config("smtpserver.xml", DovecotAuthTest.exampleSmtpServerXml(socat.inetSocket(), tls))
            .start();
    }

    @AfterAll
    static void stop() {
        if (james != null) {
            james.close();
        }
        if (socat != null) {
            socat.close();
        }
        if (dovecot != null) {
            dovecot.close();
        }
    }

    @Test
    void goodAndBadPasswordsOverTlsThen454WhenTheTerminatorIsGone() throws Exception {
        try (SmtpClient c = james.smtpFrom("127.0.0.1")) {
            assertThat(c.authPlain("alice", RealDovecot.PASSWORD).code).isEqualTo(235);
            assertThat(c.mailFrom("alice@example.test").code).isEqualTo(250);
            assertThat(c.rcptTo("someone@elsewhere.example").code).isEqualTo(250);
        }
        try (SmtpClient c = james.smtpFrom("127.0.0.1")) {
            assertThat(c.authLogin("bob", RealDovecot.PASSWORD).code).isEqualTo(235);
        }
        try (SmtpClient c = james.smtpFrom("127.0.0.9")) {
            assertThat(c.authPlain("alice", "wrong").code).isEqualTo(535);
        }
        socat.close();
        // the live TLS connection is cut (EOF) or refused on reconnect: a temporary failure either way
        try (SmtpClient c = james.smtpFrom("127.0.0.1")) {
            assertThat(c.authPlain("user02", RealDovecot.PASSWORD).code).isEqualTo(454);
        }
    }
}
