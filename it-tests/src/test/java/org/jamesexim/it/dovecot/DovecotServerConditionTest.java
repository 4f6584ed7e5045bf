package org.jamesexim.it.dovecot;

import static org.assertj.core.api.Assertions.assertThat;

import org.jamesexim.dovecot.testing.RealDovecot;
import org.jamesexim.it.JamesHarness;
import org.jamesexim.it.SmtpClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Exim's {@code server_condition} on the dovecot authenticator as {@code serverConditionLookup}, in a real James 3.8.1
 * with a real Dovecot and the shipped example: a veto after Dovecot's OK, from a file of SMTP identities.
 */
class DovecotServerConditionTest {
    private static RealDovecot dovecot;
    private static JamesHarness james;

    @BeforeAll
    static void boot() throws Exception {
        dovecot = RealDovecot.start();
        james = JamesHarness.builder()
            .config("smtpserver.xml", DovecotAuthTest.exampleSmtpServerXml(dovecot.inetSocket(),
                "<serverConditionLookup>file://conf/smtp-users</serverConditionLookup>"))
            .extraConfig("smtp-users", "# SMTP identities (Dovecot's user= with @user_domain) that may send\nbob@example.test: yes\n"
                + "alice@example.test: no\n")
            .start();
    }

    @AfterAll
    static void stop() {
        if (james != null) {
            james.close();
        }
        if (dovecot != null) {
            dovecot.close();
        }
    }

    @Test
    void anIdentityTheTableAllowsRelaysOneItRefusesGets535AndNoRelay() throws Exception {
        try (SmtpClient c = james.smtpFrom("127.0.0.1")) {
            assertThat(c.authPlain("bob", RealDovecot.PASSWORD).code).isEqualTo(235);
            assertThat(c.mailFrom("bob@example.test").code).isEqualTo(250);
            assertThat(c.rcptTo("someone@elsewhere.example").code).as("relay after AUTH").isEqualTo(250);
        }
        try (SmtpClient c = james.smtpFrom("127.0.0.1")) {
            SmtpClient.Reply refused = c.authPlain("alice", RealDovecot.PASSWORD);
            assertThat(refused.code).as("Dovecot said OK, the condition vetoes").isEqualTo(535);
            assertThat(c.mailFrom("stranger@elsewhere.example").code).isEqualTo(250);
            assertThat(c.rcptTo("someone@elsewhere.example").code).as("no relay").isGreaterThanOrEqualTo(500);
        }
        try (SmtpClient c = james.smtpFrom("127.0.0.1")) {
            assertThat(c.authPlain("dave", RealDovecot.PASSWORD).code).as("not in the table").isEqualTo(535);
        }
    }
}
