package org.jamesexim.it.queuefile;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.jamesexim.it.JamesHarness;
import org.jamesexim.queuefile.EximFixture;
import org.jamesexim.queuefile.SpoolDirectory;
import org.jamesexim.queuefile.SpoolEnvelope;
import org.jamesexim.queuefile.SpoolFormat;
import org.jamesexim.queuefile.SpoolRecipient;
import org.jamesexim.queuefile.SpooledMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A message queued by real Exim 4.96 (Debian; own configuration and spool in a temp dir, {@code -odq}, no daemon)
 * is handed to James's incoming directory as Exim's queuefile transport would (its {@code -D} and {@code -H}) and
 * QueueFileRequeue delivers it in a real James with Exim's envelope: sender, recipients, HELO, client address and
 * the DATA ACL's {@code acl_m_scan} as {@code jexim.acl_m_scan} (with {@code trustEnvelope=true}: the client address
 * and the ACL variables are believed only from a directory the operator trusts).
 */
class EximToJamesTest {
    @TempDir
    Path tmp;

    @Test
    void aMessageEximQueuedIsDeliveredByJames() throws Exception {
        Path out = Files.createDirectories(tmp.resolve("out"));
        Path in = Files.createDirectories(tmp.resolve("in"));
        Path after = Files.createDirectories(tmp.resolve("after"));
        try (EximFixture exim = new EximFixture();
             JamesHarness james = QueueFileRoundTripTest.boot(SpoolFormat.EXIM, out, in, after, QueueFileRoundTripTest.TRUSTED)) {
            james.addUser("bob@example.test", "bobpw");
            String smtp = "EHLO client.example\r\n"
                    + "MAIL FROM:<alice@example.net>\r\n"
                    + "RCPT TO:<demo@example.test>\r\n"
                    + "RCPT TO:<bob@example.test>\r\n"
                    + "DATA\r\n"
                    + "From: Alice <alice@example.net>\r\nTo: demo@example.test, bob@example.test\r\nSubject: queued by Exim\r\n"
                    + "Message-ID: <exim-to-james@example.net>\r\n\r\nfirst line\r\n..dot line\r\nlast line\r\n.\r\nQUIT\r\n";
            String id = exim.queueOverSmtp(smtp);
            assertThat(exim.exim(null, "-bp").out).contains(id).contains("<alice@example.net>");

            handOver(exim, id, in);

            List<String> demo = james.awaitMailbox(JamesHarness.DEMO_USER, JamesHarness.DEMO_PASSWORD, 1, Duration.ofSeconds(30));
            List<String> bob = james.awaitMailbox("bob@example.test", "bobpw", 1, Duration.ofSeconds(30));
            for (String m : List.of(demo.get(0), bob.get(0))) {
                assertThat(m).contains("Subject: queued by Exim").contains("by mx.test.example with esmtp (Exim 4.96)")
                        .contains("id " + id);
                assertThat(QueueFileRoundTripTest.body(m)).isEqualTo("first line\r\n.dot line\r\nlast line\r\n");
            }
            SpoolDirectory afterDir = SpoolDirectory.open(after, SpoolFormat.JAMES);
            SpooledMessage requeued = afterDir.read(QueueFileRoundTripTest.await(afterDir, 1).get(0));
            SpoolEnvelope e = requeued.envelope();
            assertThat(e.name()).isEqualTo("queuefile-" + id);
            assertThat(e.sender()).isEqualTo("alice@example.net");
            assertThat(e.recipients()).extracting(SpoolRecipient::address).containsExactly("demo@example.test", "bob@example.test");
            assertThat(e.heloName()).isEqualTo("client.example");
            assertThat(e.remoteAddr()).isEqualTo("192.0.2.10");
            assertThat(e.attributes()).containsEntry("jexim.acl_m_scan", "{\"serializer\":\"StringSerializer\",\"value\":\"clean\"}")
                    .containsEntry("jexim.queuefile_id", "{\"serializer\":\"StringSerializer\",\"value\":\"" + id + "\"}");
            assertThat(in.resolve("done").resolve(id + "-H")).exists();
        }
    }
    /**
     * A message Exim froze ({@code exim -Mf}) is held by James as Exim holds it: a message handed over after it is
     * delivered while the frozen one stays in the directory, not requeued; once {@code exim -Mt} thaws it (its -H
     * without {@code -frozen}, with {@code -manual_thaw}), James delivers it, once.
     */
    @Test
    void aMessageEximFrozeIsHeldUntilThawedThenDelivered() throws Exception {
        Path out = Files.createDirectories(tmp.resolve("out"));
        Path in = Files.createDirectories(tmp.resolve("in"));
        Path after = Files.createDirectories(tmp.resolve("after"));
        try (EximFixture exim = new EximFixture();
             EximFixture other = new EximFixture();
             JamesHarness james = QueueFileRoundTripTest.boot(SpoolFormat.EXIM, out, in, after, QueueFileRoundTripTest.TRUSTED)) {
            String frozen = queue(exim, "frozen by Exim");
            assertThat(exim.exim(null, "-Mf", frozen).exit).isZero();
            handOver(exim, frozen, in);
            String plain = queue(other, "not frozen");
            handOver(other, plain, in);

            List<String> first = james.awaitMailbox(JamesHarness.DEMO_USER, JamesHarness.DEMO_PASSWORD, 1, Duration.ofSeconds(30));
            assertThat(first.get(0)).contains("Subject: not frozen");
            assertThat(in.resolve(frozen + "-H")).exists();
            assertThat(in.resolve("done").resolve(frozen + "-H")).doesNotExist();

            EximFixture.Run thaw = exim.exim(null, "-Mt", frozen);
            assertThat(thaw.exit).as(thaw.toString()).isZero();
            assertThat(Files.readString(exim.input.resolve(frozen + "-H"), java.nio.charset.StandardCharsets.ISO_8859_1)).contains("\n-manual_thaw\n");
            Files.copy(exim.input.resolve(frozen + "-H"), in.resolve(frozen + "-H"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);

            List<String> both = james.awaitMailbox(JamesHarness.DEMO_USER, JamesHarness.DEMO_PASSWORD, 2, Duration.ofSeconds(30));
            assertThat(both).filteredOn(m -> m.contains("Subject: frozen by Exim")).hasSize(1);
            assertThat(in.resolve("done").resolve(frozen + "-H")).exists();
        }
    }

    private static String queue(EximFixture exim, String subject) throws Exception {
        return exim.queueOverSmtp("EHLO client.example\r\nMAIL FROM:<alice@example.net>\r\nRCPT TO:<demo@example.test>\r\nDATA\r\n"
                + "From: Alice <alice@example.net>\r\nSubject: " + subject + "\r\n\r\nbody\r\n.\r\nQUIT\r\n");
    }

    /** queuefile's hand-off, link mode: -D then -H appear in the incoming directory. */
    private static void handOver(EximFixture exim, String id, Path in) throws Exception {
        Files.copy(exim.input.resolve(id + "-D"), in.resolve(id + "-D"));
        Files.copy(exim.input.resolve(id + "-H"), in.resolve(id + "-H"));
    }
}
