package org.jamesexim.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
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

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real drop-in path: a separate JVM runs James with NONE of the pack's classes on its classpath, only
 * {@code pack/target/james-exim-pack.jar} in {@code extensions-jars/}; the sample configuration names our hook,
 * matcher and mailet, and a mail sent over SMTP shows they ran. Then SIGTERM stops James cleanly.
 */
class DropInJarIT {
    private static final Pattern READY = Pattern.compile("JAMES READY smtp=127\\.0\\.0\\.1:(\\d+) imap=127\\.0\\.0\\.1:(\\d+)");

    @Test
    void packJarInExtensionsJarsIsLoadedByJames(@TempDir Path work) throws Exception {
        Path jar = Paths.get(System.getProperty("jexim.pack.jar"));
        assertThat(jar).as("the drop-in JAR is built by the package phase").isRegularFile();

        String classpath = DropInClasspath.withoutPack();
        assertThat(classpath).doesNotContain("jexim-mailets").doesNotContain("/mailets/target");

        List<String> cmd = new ArrayList<>(List.of(
            Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
            "-Djames.exit.on.startup.error=false", "-Djames.lifecycle.leak.detection.mode=NONE",
            "-Djexim.config.dir=" + System.getProperty("jexim.config.dir"),
            "-cp", classpath, "org.jamesexim.it.EmbeddedJames",
            "--random-ports", "--work-dir", work.resolve("james").toString(), "--extension-jar", jar.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        List<String> output = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
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
            assertThat(Files.list(work.resolve("james/extensions-jars"))).extracting(x -> x.getFileName().toString())
                .containsExactly("james-exim-pack.jar");

            try (SmtpClient c = SmtpClient.connect("127.0.0.1", smtp)) {
                c.ehlo("dropin.example.net");
                assertThat(c.mailFrom("someone@example.net").code).isEqualTo(250);
                assertThat(c.rcptTo(JamesHarness.DEMO_USER).code).isEqualTo(250);
                assertThat(c.data("Subject: drop-in\r\n\r\nloaded from extensions-jars\r\n").code).isEqualTo(250);
                c.quit();
            }
            List<String> inbox = awaitInbox(imap);
            assertThat(inbox.get(0)).contains("X-Jexim-Received: helo=dropin.example.net");

            p.toHandle().destroy(); // SIGTERM, as Ctrl-C / docker stop (keeps our end of the pipe open)
            while ((line = out.readLine()) != null) {
                output.add(line);
            }
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(output).contains("JAMES STOPPED");
        } finally {
            p.destroyForcibly();
        }
    }

    private static List<String> awaitInbox(int imapPort) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            try (ImapReader r = ImapReader.login("127.0.0.1", imapPort, JamesHarness.DEMO_USER, JamesHarness.DEMO_PASSWORD)) {
                List<String> m = r.messages("INBOX");
                if (!m.isEmpty() || System.nanoTime() > deadline) {
                    assertThat(m).as("mail delivered through the drop-in JAR").isNotEmpty();
                    return m;
                }
            }
            Thread.sleep(200);
        }
    }

}
