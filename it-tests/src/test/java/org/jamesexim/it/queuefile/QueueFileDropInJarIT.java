package org.jamesexim.it.queuefile;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.jamesexim.it.ImapReader;
import org.jamesexim.it.JamesHarness;
import org.jamesexim.it.SmtpClient;
import org.jamesexim.queuefile.SpoolDirectory;
import org.jamesexim.queuefile.SpoolFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The queuefile example with the pack loaded ONLY from {@code extensions-jars/} (a separate JVM without our classes
 * on its classpath): QueueFile writes and ghosts the mail, and QueueFileRequeue, started by James as a
 * {@code guice.extension.startable} from the drop-in JAR with MailQueueFactory and PropertiesProvider injected,
 * brings it back into the mailbox; SIGTERM stops James with the watcher.
 */
class QueueFileDropInJarIT {
    private static final Pattern READY = Pattern.compile("JAMES READY smtp=127\\.0\\.0\\.1:(\\d+) imap=127\\.0\\.0\\.1:(\\d+)");

    @Test
    void queuefileExampleRunsFromTheDropInJar(@TempDir Path work) throws Exception {
        Path jar = Paths.get(System.getProperty("jexim.pack.jar"));
        assertThat(jar).isRegularFile();
        Path out = Files.createDirectories(work.resolve("out"));
        Path in = Files.createDirectories(work.resolve("in"));
        Path sample = JamesHarness.defaultConfigDir();
        Path conf = Files.createDirectories(work.resolve("conf"));
        try (Stream<Path> files = Files.list(sample)) {
            for (Path f : files.filter(Files::isRegularFile).collect(Collectors.toList())) {
                Files.copy(f, conf.resolve(f.getFileName()));
            }
        }
        Files.writeString(conf.resolve("mailetcontainer.xml"), Files.readString(sample.resolve("examples/queuefile-mailetcontainer.xml"))
                .replace("<directory>/var/spool/james-queuefile/out</directory>", "<directory>" + out + "</directory>"));
        Files.writeString(conf.resolve("queuefile.properties"), Files.readString(sample.resolve("examples/queuefile.properties"))
                .replace("directory=/var/spool/james-queuefile/in", "directory=" + in).replace("pollInterval=1s", "pollInterval=200ms"));
        Files.copy(sample.resolve("examples/queuefile-extensions.properties"), conf.resolve("extensions.properties"), StandardCopyOption.REPLACE_EXISTING);

        String classpath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(e -> !isPackEntry(e)).collect(Collectors.joining(File.pathSeparator));
        List<String> cmd = List.of(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djames.exit.on.startup.error=false", "-Djames.lifecycle.leak.detection.mode=NONE",
                "-cp", classpath, "org.jamesexim.it.EmbeddedJames", "--config-dir", conf.toString(),
                "--random-ports", "--work-dir", work.resolve("james").toString(), "--extension-jar", jar.toString());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        CompletableFuture.delayedExecutor(180, TimeUnit.SECONDS).execute(p::destroyForcibly);
        List<String> output = java.util.Collections.synchronizedList(new ArrayList<>());
        BufferedReader reader = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        try {
            int smtp = -1;
            int imap = -1;
            String line;
            while ((line = reader.readLine()) != null) {
                output.add(line);
                Matcher m = READY.matcher(line);
                if (m.find()) {
                    smtp = Integer.parseInt(m.group(1));
                    imap = Integer.parseInt(m.group(2));
                    break;
                }
            }
            assertThat(smtp).as("James started; output:\n" + String.join("\n", output)).isPositive();
            Thread drain = new Thread(() -> {
                try {
                    String l;
                    while ((l = reader.readLine()) != null) {
                        output.add(l);
                    }
                } catch (java.io.IOException ignored) {
                    // child gone
                }
            });
            drain.setDaemon(true);
            drain.start();

            try (SmtpClient c = SmtpClient.connect("127.0.0.1", smtp)) {
                c.ehlo("dropin.example.net");
                c.mailFrom("someone@example.net");
                c.rcptTo(JamesHarness.DEMO_USER);
                assertThat(c.data("Subject: queuefile drop-in\r\n\r\nout and back through the drop-in JAR\r\n").code).isEqualTo(250);
                c.quit();
            }
            SpoolDirectory outDir = SpoolDirectory.open(out, SpoolFormat.JAMES);
            String id = QueueFileRoundTripTest.await(outDir, 1).get(0);
            Files.move(out.resolve(id + ".eml"), in.resolve(id + ".eml"), StandardCopyOption.ATOMIC_MOVE);
            Files.move(out.resolve(id + ".json"), in.resolve(id + ".json"), StandardCopyOption.ATOMIC_MOVE);

            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            List<String> inbox = List.of();
            while (inbox.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(200);
                try (ImapReader r = ImapReader.login("127.0.0.1", imap, JamesHarness.DEMO_USER, JamesHarness.DEMO_PASSWORD)) {
                    inbox = r.messages("INBOX");
                }
            }
            assertThat(inbox).as("requeued mail delivered; output:\n" + String.join("\n", output)).hasSize(1);
            assertThat(inbox.get(0)).contains("Subject: queuefile drop-in").contains("out and back through the drop-in JAR");
            assertThat(in.resolve("done").resolve(id + ".json")).exists();
        } finally {
            p.destroy();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            reader.close();
        }
        assertThat(output).anyMatch(l -> l.contains("Starting org.jamesexim.mailets.QueueFileRequeue"));
    }

    private static boolean isPackEntry(String entry) {
        String e = entry.replace('\\', '/');
        return e.contains("jexim-mailets") || e.contains("jexim-matchers") || e.contains("jexim-smtp-hooks")
            || e.contains("jexim-engine-") || e.contains("james-exim-pack") || e.contains("james-exim-cli")
            || e.endsWith("/mailets/target/classes") || e.endsWith("/matchers/target/classes")
            || e.endsWith("/smtp-hooks/target/classes") || e.contains("/engines/") || e.endsWith("/pack/target/classes")
            || e.contains("/test-classes");
    }
}
