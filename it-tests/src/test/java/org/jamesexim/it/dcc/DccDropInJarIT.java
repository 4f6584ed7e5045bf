package org.jamesexim.it.dcc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.jamesexim.dcc.sim.DccifdSimulator;
import org.jamesexim.it.ImapReader;
import org.jamesexim.it.JamesHarness;
import org.jamesexim.it.SmtpClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The DCC example configuration with the pack loaded ONLY from {@code extensions-jars/} (a separate JVM without our
 * classes on its classpath): Guice builds DccService/DccHook/Dcc from the drop-in JAR, the hook asks the simulator
 * in this JVM, a bulk verdict is refused with 550 and an accepted mail arrives with its X-DCC header.
 */
class DccDropInJarIT {
    private static final Pattern READY = Pattern.compile("JAMES READY smtp=127\\.0\\.0\\.1:(\\d+) imap=127\\.0\\.0\\.1:(\\d+)");

    @Test
    void dccExampleRunsFromTheDropInJar(@TempDir Path work) throws Exception {
        Path jar = Paths.get(System.getProperty("jexim.pack.jar"));
        assertThat(jar).isRegularFile();
        Path sample = JamesHarness.defaultConfigDir();
        Path conf = Files.createDirectories(work.resolve("conf"));
        try (Stream<Path> files = Files.list(sample)) {
            for (Path f : files.filter(Files::isRegularFile).collect(Collectors.toList())) {
                Files.copy(f, conf.resolve(f.getFileName()));
            }
        }
        Files.copy(sample.resolve("examples/dcc-smtpserver.xml"), conf.resolve("smtpserver.xml"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.copy(sample.resolve("examples/dcc-mailetcontainer.xml"), conf.resolve("mailetcontainer.xml"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        try (DccifdSimulator sim = new DccifdSimulator().listenTcp()) {
            Files.writeString(conf.resolve("dcc.properties"), "dccifd_address = " + sim.tcpAddress() + "\n");
            String classpath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(e -> !isPackEntry(e)).collect(Collectors.joining(File.pathSeparator));
            List<String> cmd = List.of(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djames.exit.on.startup.error=false", "-Djames.lifecycle.leak.detection.mode=NONE",
                "-cp", classpath, "org.jamesexim.it.EmbeddedJames", "--config-dir", conf.toString(),
                "--random-ports", "--work-dir", work.resolve("james").toString(), "--extension-jar", jar.toString());
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            // whatever happens, the child James goes away after 3 minutes (its closed output then ends every read)
            java.util.concurrent.CompletableFuture.delayedExecutor(180, java.util.concurrent.TimeUnit.SECONDS).execute(p::destroyForcibly);
            List<String> output = new ArrayList<>();
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            try {
                int smtp = -1;
                int imap = -1;
                String line;
                while ((line = out.readLine()) != null) {
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
                        while (out.readLine() != null) {
                            // keep the child's pipe flowing
                        }
                    } catch (java.io.IOException ignored) {
                        // child gone
                    }
                });
                drain.setDaemon(true);
                drain.start();

                sim.force('R');
                assertThat(send(smtp, "bulk").code).isEqualTo(550);
                sim.force('A');
                assertThat(send(smtp, "clean").code).isEqualTo(250);
                String mail = awaitInbox(imap);
                assertThat(mail).contains("Subject: clean").contains("X-DCC-SIM-Metrics: sim.dcc.test 1201;");
                assertThat(sim.requests()).extracting(q -> q.helo).containsExactly("dropin.example.net", "dropin.example.net");
            } finally {
                // stop the child first: the drain thread holds the reader until the child's output ends
                p.destroy();
                if (!p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
                }
                out.close();
            }
        }
    }

    private static SmtpClient.Reply send(int port, String subject) throws Exception {
        try (SmtpClient c = SmtpClient.connect("127.0.0.1", port)) {
            c.ehlo("dropin.example.net");
            c.mailFrom("someone@example.net");
            c.rcptTo(JamesHarness.DEMO_USER);
            SmtpClient.Reply r = c.data("Subject: " + subject + "\r\n\r\nthrough the drop-in JAR\r\n");
            c.quit();
            return r;
        }
    }

    private static String awaitInbox(int imapPort) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            try (ImapReader r = ImapReader.login("127.0.0.1", imapPort, JamesHarness.DEMO_USER, JamesHarness.DEMO_PASSWORD)) {
                List<String> m = r.messages("INBOX");
                if (!m.isEmpty() || System.nanoTime() > deadline) {
                    assertThat(m).as("mail delivered through the drop-in JAR").isNotEmpty();
                    return m.get(0);
                }
            }
            Thread.sleep(200);
        }
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
