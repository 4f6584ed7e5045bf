package org.jamesexim.it.dsn;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.jamesexim.it.DropInClasspath;
import org.jamesexim.it.ImapReader;
import org.jamesexim.it.JamesHarness;
import org.jamesexim.it.SmtpClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The class-loading claim of DsnInfoRemoteDelivery, checked where it matters: James in a separate JVM with the pack
 * ONLY as {@code extensions-jars/james-exim-pack.jar} (a child class loader that James's delivery threads do not
 * use) delivers to Postfix's smtp-sink, which refuses the recipient, and the bounce read over IMAP carries the
 * fields, i.e. javax.mail used our transport from the drop-in JAR.
 */
class DsnInfoDropInIT {
    private static final Pattern READY = Pattern.compile("JAMES READY smtp=127\\.0\\.0\\.1:(\\d+) imap=127\\.0\\.0\\.1:(\\d+)");

    @Test
    void bounceHasTheFieldsWhenThePackIsOnlyInExtensionsJars(@TempDir Path work) throws Exception {
        Path jar = Paths.get(System.getProperty("jexim.pack.jar"));
        assertThat(jar).as("the drop-in JAR is built by the package phase").isRegularFile();
        try (SmtpSink sink = SmtpSink.start("mx.sink.test", "-f", "rcpt")) {
            Path config = work.resolve("config");
            Files.createDirectories(config);
            try (Stream<Path> files = Files.list(JamesHarness.defaultConfigDir())) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    if (Files.isRegularFile(f)) {
                        Files.copy(f, config.resolve(f.getFileName()));
                    }
                }
            }
            Files.writeString(config.resolve("mailetcontainer.xml"), DsnInfoIT.sampleWithGateway(sink.port()));

            String classpath = DropInClasspath.withoutPack();
            Path log = work.resolve("james.log");
            List<String> cmd = new ArrayList<>(List.of(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djames.exit.on.startup.error=false", "-Djames.lifecycle.leak.detection.mode=NONE",
                "-cp", classpath, "org.jamesexim.it.EmbeddedJames", "--config-dir", config.toString(),
                "--random-ports", "--work-dir", work.resolve("james").toString(), "--extension-jar", jar.toString()));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            try {
                Matcher ready = awaitReady(p, log);
                int smtp = Integer.parseInt(ready.group(1));
                int imap = Integer.parseInt(ready.group(2));
                try (SmtpClient c = SmtpClient.connect("127.0.0.1", smtp)) {
                    c.ehlo("dropin.example.net");
                    assertThat(c.mailFrom(JamesHarness.DEMO_USER).code).isEqualTo(250);
                    assertThat(c.rcptTo("nobody@remote.test").code).isEqualTo(250);
                    assertThat(c.data("Subject: to be refused\r\n\r\nhello\r\n").code).isEqualTo(250);
                    c.quit();
                }
                String bounce = awaitInbox(imap, log);
                assertThat(bounce).contains("Remote-MTA: X-ip; [127.0.0.1]:" + sink.port() + "\r\n"
                    + "X-Remote-MTA-smtp-greeting: X-str; 220 mx.sink.test ESMTP\r\n"
                    + "X-Remote-MTA-helo-response: X-str; 250-mx.sink.test\r\n");
                assertThat(bounce.replace("\r\n ", " ")).contains("X-James-Exim-Diagnostic: X-str; SMTP error from remote mail server after "
                    + "RCPT TO:<nobody@remote.test>: 500 5.3.0 Error: command failed\r\n");
                assertThat(Files.readString(log)).doesNotContain("javax.mail did not use");
            } finally {
                p.destroy();
                if (!p.waitFor(60, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
        }
    }

    private static Matcher awaitReady(Process p, Path log) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline && p.isAlive()) {
            Matcher m = READY.matcher(Files.readString(log, StandardCharsets.UTF_8));
            if (m.find()) {
                return m;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("James did not start; output:\n" + Files.readString(log));
    }

    private static String awaitInbox(int imapPort, Path log) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            try (ImapReader r = ImapReader.login("127.0.0.1", imapPort, JamesHarness.DEMO_USER, JamesHarness.DEMO_PASSWORD)) {
                List<String> m = r.messages("INBOX");
                if (!m.isEmpty()) {
                    return m.get(0);
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no bounce in the sender's mailbox; James's output:\n" + Files.readString(log));
            }
            Thread.sleep(200);
        }
    }

}
