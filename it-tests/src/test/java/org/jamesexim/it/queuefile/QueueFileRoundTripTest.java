package org.jamesexim.it.queuefile;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.jamesexim.it.JamesHarness;
import org.jamesexim.it.SmtpClient;
import org.jamesexim.queuefile.SpoolDirectory;
import org.jamesexim.queuefile.SpoolEnvelope;
import org.jamesexim.queuefile.SpoolFormat;
import org.jamesexim.queuefile.SpoolRecipient;
import org.jamesexim.queuefile.SpooledMessage;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Round trip in a real James 3.8.1: mail in over SMTP → QueueFile writes it out and ghosts it → a "scanner" moves
 * the files to the incoming directory → QueueFileRequeue (a guice.extension.startable) puts it back into the spool
 * → delivered to the mailbox. Boots james-config/examples/queuefile-mailetcontainer.xml with its directory and
 * format set, plus two probes: SetMailAttribute before QueueFile (an arbitrary attribute to carry) and a second
 * QueueFile (passThrough, james format) at the top of the transport processor, whose envelope shows what the
 * requeued mail looked like inside James.
 */
class QueueFileRoundTripTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @EnumSource(SpoolFormat.class)
    void mailGoesOutAndComesBackUnchanged(SpoolFormat format) throws Exception {
        Path out = Files.createDirectories(tmp.resolve("out"));
        Path in = Files.createDirectories(tmp.resolve("in"));
        Path after = Files.createDirectories(tmp.resolve("after"));
        try (JamesHarness james = boot(format, out, in, after, TRUSTED)) {
            james.addUser("bob@example.test", "bobpw");
            String raw = "From: Alice <alice@example.net>\r\n"
                    + "To: demo@example.test, bob@example.test\r\n"
                    + "Subject: queuefile round trip " + format + "\r\n"
                    + "Message-ID: <qf-" + format + "@example.net>\r\n"
                    + "MIME-Version: 1.0\r\n"
                    + "Content-Type: text/plain; charset=utf-8\r\n"
                    + "Content-Transfer-Encoding: 8bit\r\n"
                    + "\r\n"
                    + "caf\u00e9 line one\r\n"
                    + "\r\n"
                    + ".leading dot (SmtpClient dot-stuffs it on the wire)\r\n"
                    + "trailing spaces   \r\n"
                    + "last line\r\n";
            // SmtpClient writes ISO-8859-1 chars as bytes: hand it the UTF-8 bytes
            String wire = new String(raw.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
            SmtpClient.Reply reply = james.send("alice@example.net", List.of("demo@example.test", "bob@example.test"), wire);
            assertThat(reply.code).as(reply.toString()).isEqualTo(250);

            SpoolDirectory outDir = SpoolDirectory.open(out, format);
            List<String> ids = await(outDir, 1);
            String id = ids.get(0);
            SpooledMessage written = outDir.read(id);
            SpoolEnvelope e1 = written.envelope();
            assertThat(e1.sender()).isEqualTo("alice@example.net");
            assertThat(e1.recipients()).extracting(SpoolRecipient::address).containsExactly("demo@example.test", "bob@example.test");
            assertThat(e1.heloName()).isEqualTo("client.example.net");
            assertThat(e1.remoteAddr()).isEqualTo("127.0.0.1");
            assertThat(e1.attributes()).containsKey("org.example.scanner-tag");
            String writtenBody = body(new String(written.content(), StandardCharsets.UTF_8));
            assertThat(writtenBody).isEqualTo(body(raw));
            if (format == SpoolFormat.EXIM) {
                // the pair James wrote is a valid Exim spool message: real Exim lists and shows it
                try (org.jamesexim.queuefile.EximFixture exim = new org.jamesexim.queuefile.EximFixture()) {
                    for (String f : List.of(id + "-D", id + "-H")) {
                        Files.copy(out.resolve(f), exim.input.resolve(f));
                        exim.handOver(exim.input.resolve(f));
                    }
                    org.jamesexim.queuefile.EximFixture.Run bp = exim.exim(null, "-bp");
                    assertThat(bp.out).as(bp.toString()).contains(id).contains("<alice@example.net>")
                            .contains("demo@example.test").contains("bob@example.test").doesNotContain("error");
                    org.jamesexim.queuefile.EximFixture.Run mvh = exim.exim(null, "-Mvh", id);
                    assertThat(mvh.out).as(mvh.toString()).contains("<alice@example.net>").contains("--helo_name client.example.net")
                            .contains("\n2\ndemo@example.test\nbob@example.test\n").contains("org.example.scanner-tag");
                }
            }
            // ghosted: nothing reaches the mailbox before the way back
            assertThat(james.awaitMailbox(JamesHarness.DEMO_USER, JamesHarness.DEMO_PASSWORD, 0, Duration.ofSeconds(1))).isEmpty();

            // the scanner hands the message back: data file first, then the commit file (each a rename)
            Files.move(out.resolve(SpoolDirectory.dataFileName(format, id)), in.resolve(SpoolDirectory.dataFileName(format, id)), StandardCopyOption.ATOMIC_MOVE);
            Files.move(out.resolve(SpoolDirectory.commitFileName(format, id)), in.resolve(SpoolDirectory.commitFileName(format, id)), StandardCopyOption.ATOMIC_MOVE);

            List<String> demo = james.awaitMailbox(JamesHarness.DEMO_USER, JamesHarness.DEMO_PASSWORD, 1, Duration.ofSeconds(30));
            List<String> bob = james.awaitMailbox("bob@example.test", "bobpw", 1, Duration.ofSeconds(30));
            assertThat(demo).hasSize(1);
            assertThat(bob).hasSize(1);
            for (String delivered : List.of(demo.get(0), bob.get(0))) {
                assertThat(body(delivered)).isEqualTo(writtenBody);
                assertThat(delivered).contains("Subject: queuefile round trip " + format).contains("Message-ID: <qf-" + format + "@example.net>");
            }

            // what the requeued mail was inside James
            SpoolDirectory afterDir = SpoolDirectory.open(after, SpoolFormat.JAMES);
            List<String> afterIds = await(afterDir, 1);
            SpooledMessage requeued = afterDir.read(afterIds.get(0));
            SpoolEnvelope e2 = requeued.envelope();
            assertThat(requeued.content()).isEqualTo(written.content());
            assertThat(e2.sender()).isEqualTo(e1.sender());
            assertThat(e2.recipients()).isEqualTo(e1.recipients());
            assertThat(e2.remoteAddr()).isEqualTo(e1.remoteAddr());
            assertThat(e2.heloName()).isEqualTo(e1.heloName());
            assertThat(e2.name()).isEqualTo("queuefile-" + id);
            for (Map.Entry<String, String> a : e1.attributes().entrySet()) {
                assertThat(e2.attributes()).as("attribute " + a.getKey()).containsEntry(a.getKey(), a.getValue());
            }
            assertThat(e2.attributes()).containsEntry("jexim.queuefile_id", "{\"serializer\":\"StringSerializer\",\"value\":\"" + id + "\"}");
            assertThat(e2.attributes().keySet()).containsExactlyInAnyOrderElementsOf(
                    concat(e1.attributes().keySet(), "jexim.queuefile_id"));

            // the incoming directory: nothing left to take, the files kept in done/
            assertThat(SpoolDirectory.open(in, format).committedIds()).isEmpty();
            assertThat(in.resolve("done").resolve(SpoolDirectory.commitFileName(format, id))).exists();
            assertThat(in.resolve("done").resolve(SpoolDirectory.dataFileName(format, id))).exists();
            assertThat(outDir.committedIds()).isEmpty();
        }
        // the watcher stops with the server (@PreDestroy)
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().equals("jexim-queuefile-requeue") && t.isAlive());
    }

    @org.junit.jupiter.api.Test
    void aMessageLeftClaimedByACrashIsDeliveredOnceAfterTheRestart() throws Exception {
        Path out = Files.createDirectories(tmp.resolve("out"));
        Path in = Files.createDirectories(tmp.resolve("in"));
        Path after = Files.createDirectories(tmp.resolve("after"));
        try (JamesHarness james = boot(SpoolFormat.JAMES, out, in, after)) {
            // the state a requeuer killed between claim and commit leaves behind. It is laid down once James is up:
            // the harness creates demo@example.test only after start, and a scan that ran before that would send
            // the mail to relay instead of demo's mailbox. Recovery runs at every scan, so this is the same path
            // a restart takes.
            SpoolDirectory incoming = SpoolDirectory.open(in, SpoolFormat.JAMES);
            Path staging = Files.createDirectories(tmp.resolve("staging"));
            SpoolDirectory staged = SpoolDirectory.open(staging, SpoolFormat.JAMES);
            String id = staged.write(new SpooledMessage(null, SpoolEnvelope.builder().sender("alice@example.net")
                    .addRecipient("demo@example.test").build(),
                    "From: alice@example.net\r\nSubject: left claimed\r\n\r\nrecovered body\r\n".getBytes(StandardCharsets.UTF_8)));
            Files.createDirectories(in.resolve("claimed"));
            Files.move(staging.resolve(id + ".eml"), in.resolve(id + ".eml"), StandardCopyOption.ATOMIC_MOVE);
            Files.move(staging.resolve(id + ".json"), in.resolve("claimed").resolve(id + ".json"), StandardCopyOption.ATOMIC_MOVE);
            assertThat(incoming.committedIds()).isEmpty();
            List<String> demo = james.awaitMailbox(JamesHarness.DEMO_USER, JamesHarness.DEMO_PASSWORD, 1, Duration.ofSeconds(30));
            assertThat(demo.get(0)).contains("Subject: left claimed").contains("recovered body");
            Thread.sleep(1500); // several more scans
            assertThat(james.awaitMailbox(JamesHarness.DEMO_USER, JamesHarness.DEMO_PASSWORD, 1, Duration.ofSeconds(5))).hasSize(1);
            assertThat(in.resolve("claimed").resolve(id + ".json")).doesNotExist();
            assertThat(in.resolve("done").resolve(id + ".json")).exists();
        }
    }

    /**
     * The envelope survives whole only where the operator trusts the incoming directory (queuefile.properties
     * {@code trustEnvelope=true}); {@code QueueFileHostileDropTest} shows the default.
     */
    static final String TRUSTED = "trustEnvelope=true\n";

    /** The example configuration with its directories and format set, and the two probes. */
    static JamesHarness boot(SpoolFormat format, Path out, Path in, Path after) throws Exception {
        return boot(format, out, in, after, "");
    }

    /** The same, with lines added to queuefile.properties. */
    static JamesHarness boot(SpoolFormat format, Path out, Path in, Path after, String extraProperties) throws Exception {
        return JamesHarness.builder()
                .config("mailetcontainer.xml", mailetContainer(format, out, after))
                .extraConfig("queuefile.properties", properties(format, in) + extraProperties)
                .extraConfig("extensions.properties", Files.readString(examples().resolve("queuefile-extensions.properties")))
                .start();
    }

    static Path examples() {
        return JamesHarness.defaultConfigDir().resolve("examples");
    }

    /** The example container with QueueFile writing {@code format} into {@code out}, and the two probes. */
    static String mailetContainer(SpoolFormat format, Path out, Path after) throws Exception {
        String xml = Files.readString(examples().resolve("queuefile-mailetcontainer.xml"))
                .replace("<directory>/var/spool/james-queuefile/out</directory>", "<directory>" + out + "</directory>")
                .replace("<format>james</format>", "<format>" + format.configName() + "</format>");
        String probeBefore = "            <mailet match=\"All\" class=\"SetMailAttribute\">\n"
                + "                <org.example.scanner-tag>tagged-before-queuefile</org.example.scanner-tag>\n"
                + "            </mailet>\n";
        xml = xml.replace("            <mailet match=\"All\" class=\"org.jamesexim.mailets.QueueFile\">",
                probeBefore + "            <mailet match=\"All\" class=\"org.jamesexim.mailets.QueueFile\">");
        String probeAfter = "        <processor state=\"transport\" enableJmx=\"false\">\n"
                + "            <mailet match=\"All\" class=\"org.jamesexim.mailets.QueueFile\">\n"
                + "                <directory>" + after + "</directory>\n"
                + "                <passThrough>true</passThrough>\n"
                + "            </mailet>\n";
        return xml.replace("        <processor state=\"transport\" enableJmx=\"false\">\n", probeAfter);
    }

    /** The example queuefile.properties for {@code in} and {@code format}, polling every 200 ms. */
    static String properties(SpoolFormat format, Path in) throws Exception {
        return Files.readString(examples().resolve("queuefile.properties"))
                .replace("directory=/var/spool/james-queuefile/in", "directory=" + in)
                .replace("format=james", "format=" + format.configName())
                .replace("pollInterval=1s", "pollInterval=200ms") + "\n";
    }

    private static List<String> concat(java.util.Set<String> s, String extra) {
        List<String> l = new java.util.ArrayList<>(s);
        l.add(extra);
        return l;
    }

    static List<String> await(SpoolDirectory dir, int count) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            List<String> ids = dir.committedIds();
            if (ids.size() >= count) {
                return ids;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no message in " + dir.directory() + " after 30 s");
            }
            Thread.sleep(100);
        }
    }

    /** The body: everything after the first empty line, line ends normalised to CRLF. */
    static String body(String message) {
        String m = message.replace("\r\n", "\n").replace("\n", "\r\n");
        int i = m.indexOf("\r\n\r\n");
        return m.substring(i + 4);
    }
}
