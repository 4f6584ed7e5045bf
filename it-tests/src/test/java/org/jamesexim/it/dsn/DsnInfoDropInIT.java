package org.jamesexim.it.dsn;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.jamesexim.it.DropInJames;
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
    @Test
    void bounceHasTheFieldsWhenThePackIsOnlyInExtensionsJars(@TempDir Path work) throws Exception {
        try (SmtpSink sink = SmtpSink.start("mx.sink.test", "-f", "rcpt")) {
            Path config = DropInJames.sampleConfig(work.resolve("config"));
            Files.writeString(config.resolve("mailetcontainer.xml"), DsnInfoIT.sampleWithGateway(sink.port()));
            try (DropInJames james = DropInJames.start(work, config)) {
                try (SmtpClient c = SmtpClient.connect("127.0.0.1", james.smtpPort())) {
                    c.ehlo("dropin.example.net");
                    assertThat(c.mailFrom(JamesHarness.DEMO_USER).code).isEqualTo(250);
                    assertThat(c.rcptTo("nobody@remote.test").code).isEqualTo(250);
                    assertThat(c.data("Subject: to be refused\r\n\r\nhello\r\n").code).isEqualTo(250);
                    c.quit();
                }
                String bounce = ImapReader.await(james.imapPort(), JamesHarness.DEMO_USER, JamesHarness.DEMO_PASSWORD,
                    "INBOX", 1, Duration.ofSeconds(60)).get(0);
                assertThat(bounce).contains("Remote-MTA: X-ip; [127.0.0.1]:" + sink.port() + "\r\n"
                    + "X-Remote-MTA-smtp-greeting: X-str; 220 mx.sink.test ESMTP\r\n"
                    + "X-Remote-MTA-helo-response: X-str; 250-mx.sink.test\r\n");
                assertThat(bounce.replace("\r\n ", " ")).contains("X-James-Exim-Diagnostic: X-str; SMTP error from remote mail server after "
                    + "RCPT TO:<nobody@remote.test>: 500 5.3.0 Error: command failed\r\n");
                assertThat(james.output()).noneMatch(l -> l.contains("javax.mail did not use"));
            }
        }
    }
}
