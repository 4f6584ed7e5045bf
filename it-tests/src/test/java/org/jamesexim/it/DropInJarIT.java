package org.jamesexim.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real drop-in path: a separate JVM runs James with NONE of the pack's classes on its classpath, only
 * {@code pack/target/james-exim-pack.jar} in {@code extensions-jars/}; the sample configuration names our hook,
 * matcher and mailet, and a mail sent over SMTP shows they ran. Then SIGTERM stops James cleanly.
 */
class DropInJarIT {

    @Test
    void packJarInExtensionsJarsIsLoadedByJames(@TempDir Path work) throws Exception {
        assertThat(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
            .anyMatch(DropInClasspath::isPackEntry); // the filter has something to remove in this JVM
        try (DropInJames james = DropInJames.start(work, null)) {
            assertThat(Files.list(james.workingDirectory().resolve("extensions-jars")))
                .extracting(x -> x.getFileName().toString()).containsExactly("james-exim-pack.jar");

            try (SmtpClient c = SmtpClient.connect("127.0.0.1", james.smtpPort())) {
                c.ehlo("dropin.example.net");
                assertThat(c.mailFrom("someone@example.net").code).isEqualTo(250);
                assertThat(c.rcptTo(JamesHarness.DEMO_USER).code).isEqualTo(250);
                assertThat(c.data("Subject: drop-in\r\n\r\nloaded from extensions-jars\r\n").code).isEqualTo(250);
                c.quit();
            }
            List<String> inbox = ImapReader.await(james.imapPort(), JamesHarness.DEMO_USER, JamesHarness.DEMO_PASSWORD,
                "INBOX", 1, Duration.ofSeconds(30));
            assertThat(inbox.get(0)).contains("X-Jexim-Received: helo=dropin.example.net");

            assertThat(james.stop()).as("James exits on SIGTERM").isTrue();
            Thread.sleep(200); // let the output drain
            assertThat(james.output()).contains("JAMES STOPPED");
        }
    }
}
