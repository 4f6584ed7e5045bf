package org.jamesexim.it.dcc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;

import org.jamesexim.dcc.sim.DccifdSimulator;
import org.jamesexim.it.DropInJames;
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
    @Test
    void dccExampleRunsFromTheDropInJar(@TempDir Path work) throws Exception {
        Path sample = JamesHarness.defaultConfigDir();
        Path conf = DropInJames.sampleConfig(work.resolve("conf"));
        Files.copy(sample.resolve("examples/dcc-smtpserver.xml"), conf.resolve("smtpserver.xml"), StandardCopyOption.REPLACE_EXISTING);
        Files.copy(sample.resolve("examples/dcc-mailetcontainer.xml"), conf.resolve("mailetcontainer.xml"), StandardCopyOption.REPLACE_EXISTING);
        try (DccifdSimulator sim = new DccifdSimulator().listenTcp()) {
            Files.writeString(conf.resolve("dcc.properties"), "dccifd_address = " + sim.tcpAddress() + "\n");
            try (DropInJames james = DropInJames.start(work, conf)) {
                sim.force('R');
                assertThat(send(james.smtpPort(), "bulk").code).isEqualTo(550);
                sim.force('A');
                assertThat(send(james.smtpPort(), "clean").code).isEqualTo(250);
                String mail = ImapReader.await(james.imapPort(), JamesHarness.DEMO_USER, JamesHarness.DEMO_PASSWORD,
                    "INBOX", 1, Duration.ofSeconds(30)).get(0);
                assertThat(mail).contains("Subject: clean").contains("X-DCC-SIM-Metrics: sim.dcc.test 1201;");
                assertThat(sim.requests()).extracting(q -> q.helo).containsExactly("dropin.example.net", "dropin.example.net");
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

}
