package org.jamesexim.it.queuefile;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;

import org.jamesexim.it.DropInJames;
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
    @Test
    void queuefileExampleRunsFromTheDropInJar(@TempDir Path work) throws Exception {
        Path out = Files.createDirectories(work.resolve("out"));
        Path in = Files.createDirectories(work.resolve("in"));
        Path sample = JamesHarness.defaultConfigDir();
        Path conf = DropInJames.sampleConfig(work.resolve("conf"));
        Files.writeString(conf.resolve("mailetcontainer.xml"), Files.readString(sample.resolve("examples/queuefile-mailetcontainer.xml"))
                .replace("<directory>/var/spool/james-queuefile/out</directory>", "<directory>" + out + "</directory>"));
        Files.writeString(conf.resolve("queuefile.properties"), Files.readString(sample.resolve("examples/queuefile.properties"))
                .replace("directory=/var/spool/james-queuefile/in", "directory=" + in).replace("pollInterval=1s", "pollInterval=200ms"));
        Files.copy(sample.resolve("examples/queuefile-extensions.properties"), conf.resolve("extensions.properties"), StandardCopyOption.REPLACE_EXISTING);

        List<String> output;
        try (DropInJames james = DropInJames.start(work, conf)) {
            try (SmtpClient c = SmtpClient.connect("127.0.0.1", james.smtpPort())) {
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

            List<String> inbox = ImapReader.await(james.imapPort(), JamesHarness.DEMO_USER, JamesHarness.DEMO_PASSWORD,
                "INBOX", 1, Duration.ofSeconds(30));
            assertThat(inbox).as("requeued mail delivered once").hasSize(1);
            assertThat(inbox.get(0)).contains("Subject: queuefile drop-in").contains("out and back through the drop-in JAR");
            assertThat(in.resolve("done").resolve(id + ".json")).exists();
            james.stop();
            output = james.output();
        }
        assertThat(output).anyMatch(l -> l.contains("Starting org.jamesexim.mailets.QueueFileRequeue"));
    }
}
