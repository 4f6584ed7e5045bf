package org.jamesexim.it.dovecot;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.jamesexim.dovecot.testing.RealDovecot;
import org.jamesexim.it.JamesHarness;
import org.jamesexim.it.SmtpClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;

/**
 * The example {@code dovecot-smtpserver.xml} on a public MX, in a real James 3.8.1 with a real Dovecot: an
 * authenticated client can only send as itself, an unauthenticated one not as a local user, and no password of a
 * failing AUTH reaches any log line or logged exception, with the pack's and James's SMTP loggers at DEBUG.
 */
class DovecotAuthSecurityTest {
    private static RealDovecot dovecot;
    private static JamesHarness james;

    @BeforeAll
    static void boot() throws Exception {
        dovecot = RealDovecot.start();
        james = JamesHarness.builder()
            .config("smtpserver.xml", DovecotAuthTest.exampleSmtpServerXml(dovecot.inetSocket(), ""))
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

    /**
     * Before: the example file had {@code verifyIdentity false}, so bob, once authenticated, could send as
     * alice@example.test (250), and the bare Dovecot name "bob" could not be matched with any address anyway.
     */
    @Test
    void anAuthenticatedClientSendsOnlyAsItself() throws Exception {
        try (SmtpClient c = james.smtpFrom("127.0.0.1")) {
            assertThat(c.authPlain("bob", DovecotAuthTest.PW).code).isEqualTo(235);
            SmtpClient.Reply other = c.mailFrom("alice@example.test");
            assertThat(other.code).as(other.toString()).isEqualTo(503);
            assertThat(c.command("RSET").code).isEqualTo(250);
            assertThat(c.mailFrom("bob@example.test").code).isEqualTo(250);
            assertThat(c.rcptTo("someone@elsewhere.example").code).isEqualTo(250);
        }
        try (SmtpClient anonymous = james.smtpFrom("127.0.0.1")) {
            assertThat(anonymous.mailFrom("alice@example.test").code).as("a local sender needs AUTH").isEqualTo(530);
        }
    }

    @Test
    void noPasswordOfAFailingAuthIsLogged() throws Exception {
        LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
        ListAppender<ILoggingEvent> captured = new ListAppender<>();
        captured.start();
        Logger root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.addAppender(captured);
        Map<String, Level> before = new java.util.HashMap<>();
        for (String name : List.of("org.jamesexim", "org.apache.james.protocols", "org.apache.james.smtpserver")) {
            before.put(name, ctx.getLogger(name).getLevel());
            ctx.getLogger(name).setLevel(Level.DEBUG);
        }
        List<String> secrets = new ArrayList<>();
        try {
            String wrong = "Wr0ng-Secret-" + System.nanoTime();
            secrets.add(wrong);
            try (SmtpClient c = james.smtpFrom("127.0.0.21")) {
                assertThat(c.authPlain("alice", wrong).code).isEqualTo(535);
            }
            String login = "L0gin-Secret-" + System.nanoTime();
            secrets.add(login);
            try (SmtpClient c = james.smtpFrom("127.0.0.22")) {
                assertThat(c.authLogin("bob", login).code).isEqualTo(535);
            }
            String unknown = "Unkn0wn-Secret-" + System.nanoTime();
            secrets.add(unknown);
            try (SmtpClient c = james.smtpFrom("127.0.0.23")) {
                assertThat(c.authPlain("nobody", unknown).code).isEqualTo(535);
            }
            String hung = "Hung-Secret-" + System.nanoTime();
            secrets.add(hung);
            dovecot.pause();
            try (SmtpClient c = james.smtpFrom("127.0.0.24")) {
                assertThat(c.authPlain("alice", hung).code).as("Dovecot stopped: temporary").isEqualTo(454);
            } finally {
                dovecot.resume();
            }
        } finally {
            root.detachAppender(captured);
            before.forEach((name, level) -> ctx.getLogger(name).setLevel(level));
        }
        assertThat(captured.list).as("the hook logged the failures").anySatisfy(e ->
            assertThat(e.getFormattedMessage()).contains("Dovecot AUTH failed"));
        for (String secret : secrets) {
            List<String> forms = List.of(secret, b64(secret), b64("\0alice\0" + secret), b64("\0bob\0" + secret),
                b64("\0nobody\0" + secret));
            for (ILoggingEvent e : captured.list) {
                StringBuilder text = new StringBuilder(e.getFormattedMessage());
                for (IThrowableProxy t = e.getThrowableProxy(); t != null; t = t.getCause()) {
                    text.append('\n').append(t.getClassName()).append(": ").append(t.getMessage());
                }
                for (String form : forms) {
                    assertThat(text.toString()).as("log line of " + e.getLoggerName()).doesNotContain(form);
                }
            }
        }
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }
}
