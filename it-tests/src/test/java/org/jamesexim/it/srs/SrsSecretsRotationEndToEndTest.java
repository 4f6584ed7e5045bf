package org.jamesexim.it.srs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.jamesexim.it.CaptureSmtpServer;
import org.jamesexim.it.JamesHarness;
import org.jamesexim.it.SmtpClient;
import org.jamesexim.mailets.SrsSettings;
import org.jamesexim.srs.SrsConfig;
import org.jamesexim.srs.SrsEngine;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;

/**
 * The SRS secrets file rotated under a running James 3.8.1 ({@code james-config/examples/srs-*.xml} as shipped: one
 * {@code conf/srs-secrets} for SrsForward, SrsReverse and SrsRcptHook, looked at every 5 s): after the rotation
 * forwards are signed with the new first line, while a bounce to an address made with the old secret before the
 * rotation is still accepted at RCPT and sent back; a rotated file that breaks the rules (readable by others) keeps
 * the secrets in use. Each read is one INFO line with the file and the count of secrets, never a secret.
 */
class SrsSecretsRotationEndToEndTest {
    static final String OLD = SrsJames.fresh();
    static final String NEW = SrsJames.fresh();
    static CaptureSmtpServer offSite;
    static JamesHarness james;
    static Path home;
    static SrsJames srs;
    static ListAppender<ILoggingEvent> logs;
    static Logger srsLogger;

    @BeforeAll
    static void boot() throws Exception {
        LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
        logs = new ListAppender<>();
        logs.start();
        srsLogger = ctx.getLogger("org.jamesexim.mailets");
        srsLogger.addAppender(logs);
        srs = SrsJames.start(new String[] {OLD}, Map.of(), m -> {
            assertThat(m).doesNotContain("<reloadInterval>");
            return m;
        }, s -> s);
        james = srs.james;
        offSite = srs.offSite;
        home = srs.home;
    }

    @AfterAll
    static void stop() throws Exception {
        if (srsLogger != null) {
            srsLogger.detachAppender(logs);
        }
        if (srs != null) {
            srs.close();
        }
    }

    /** Replaces conf/srs-secrets the way docs/security-srs.md says: a new file renamed into place. */
    static void rotate(String text, String mode) throws Exception {
        Path tmp = home.resolve("conf/srs-secrets.new");
        Files.writeString(tmp, text);
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString(mode));
        Files.move(tmp, home.resolve("conf/srs-secrets"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        // the components look at the file at most every reloadInterval (5 s by default): past it, the next use reads it
        Thread.sleep(SrsSettings.RELOAD_INTERVAL.parse(null).toMillis() + 300);
    }

    static String forward(String sender, String subject) throws Exception {
        SmtpClient.Reply r = james.send(sender, List.of("alias@example.test"),
            "From: " + sender + "\r\nTo: alias@example.test\r\nSubject: " + subject + "\r\n\r\nforward me\r\n");
        assertThat(r.code).as(r.toString()).isEqualTo(250);
        return offSite.await(m -> m.rcptTo.contains("friend@remote.test") && m.data.contains(subject), Duration.ofSeconds(60)).mailFrom;
    }

    static void bounceTo(String srs, String subject) throws Exception {
        try (SmtpClient c = james.smtp()) {
            c.ehlo("remote.test");
            assertThat(c.mailFrom("").code).isEqualTo(250);
            SmtpClient.Reply rcpt = c.rcptTo(srs);
            assertThat(rcpt.code).as(rcpt.toString()).isEqualTo(250);
            assertThat(c.data("From: MAILER-DAEMON@remote.test\r\nSubject: " + subject + "\r\n\r\nUser unknown\r\n").code).isEqualTo(250);
            c.quit();
        }
    }

    static SrsEngine only(String secret) {
        return new SrsEngine(SrsConfig.builder().secrets(secret).hashLength(6).maxAge(31).build());
    }

    static List<String> logLines() {
        List<String> out = new ArrayList<>();
        for (ILoggingEvent e : logs.list) {
            out.add(e.getLevel() + " " + e.getLoggerName() + " " + e.getFormattedMessage());
        }
        return out;
    }

    /** The count of a meter in JMX (James's Dropwizard reporter, domain metrics); 0 before its first use. */
    static long meter(String metric) throws Exception {
        javax.management.MBeanServer server = java.lang.management.ManagementFactory.getPlatformMBeanServer();
        javax.management.ObjectName name = new javax.management.ObjectName("metrics:name=" + metric + ",type=meters");
        return server.isRegistered(name) ? ((Number) server.getAttribute(name, "Count")).longValue() : 0;
    }

    @Test
    void aRotatedSecretsFileTakesEffectWithoutARestartAndOldAddressesStillReverse() throws Exception {
        long rewritten = meter("jexim.srs.forward.rewritten");
        long valid = meter("jexim.srs_status.valid");
        long accepted = meter("jexim.srs.rcpt.valid");
        String before = forward("alice@origin.test", "rotation-1");
        assertThat(only(OLD).reverse(before).valid()).as(before).isTrue();

        rotate("# rotated: the first signs, all verify\n" + NEW + "\n" + OLD + "\n", "rw-------");
        String after = forward("bob@origin.test", "rotation-2");
        assertThat(only(NEW).reverse(after).recipient()).as("signed with the new first line: " + after).contains("bob@origin.test");
        assertThat(only(OLD).reverse(after).valid()).isFalse();

        bounceTo(before, "rotation-bounce-old");
        bounceTo(after, "rotation-bounce-new");
        assertThat(offSite.await(m -> m.data.contains("rotation-bounce-old"), Duration.ofSeconds(60)).rcptTo).containsExactly("alice@origin.test");
        assertThat(offSite.await(m -> m.data.contains("rotation-bounce-new"), Duration.ofSeconds(60)).rcptTo).containsExactly("bob@origin.test");
        // the metrics moved with the traffic (docs/srs.md "Metrics"), as JMX shows them
        assertThat(meter("jexim.srs.forward.rewritten") - rewritten).isEqualTo(2);
        assertThat(meter("jexim.srs.rcpt.valid") - accepted).as("SrsRcptHook's 250s").isEqualTo(2);
        assertThat(meter("jexim.srs_status.valid") - valid).as("SrsReverse's reversals").isEqualTo(2);

        rotate(OLD + "\n", "rw-r--r--"); // readable by everyone: refused, NEW keeps signing
        String refused = forward("carol@origin.test", "rotation-3");
        assertThat(only(NEW).reverse(refused).recipient()).as(refused).contains("carol@origin.test");

        List<String> lines = logLines();
        String file = home.resolve("conf/srs-secrets").toString();
        assertThat(lines).filteredOn(l -> l.startsWith("INFO org.jamesexim.mailets.SrsSettings SRS secretsFile " + file + " read: 1 secrets in use"))
            .as("SrsForward, SrsReverse and SrsRcptHook each read it at the start").hasSize(3);
        assertThat(lines).filteredOn(l -> l.startsWith("INFO org.jamesexim.mailets.SrsSettings SRS secretsFile " + file + " reloaded: 2 secrets in use"))
            .as("each read it again when used after the rotation").hasSize(3);
        assertThat(lines).anyMatch(l -> l.startsWith("WARN org.jamesexim.mailets.SrsSettings SRS secretsFile " + file + ": ")
            && l.contains("has mode rw-r--r--") && l.contains("kept"));
        assertThat(String.join("\n", lines)).doesNotContain(OLD).doesNotContain(NEW);
    }
}
