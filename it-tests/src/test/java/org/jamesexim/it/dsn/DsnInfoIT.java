package org.jamesexim.it.dsn;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.jamesexim.it.JamesHarness;
import org.jamesexim.it.SmtpClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * DSN extra information end to end: the sample configuration's DsnInfoRemoteDelivery delivers (through its
 * {@code gateway}) to a real SMTP server, Postfix's smtp-sink, which refuses the recipient; DsnInfoBounce's bounce
 * reaches the sender's mailbox, read over IMAP, with the four fields holding what that server really said.
 */
class DsnInfoIT {
    /** The delivery lines (Exim's {@code =>}/{@code **}/{@code ==} with {@code PS=}) logged while it is open. */
    static final class DeliveryLog implements AutoCloseable {
        final ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logs = new ch.qos.logback.core.read.ListAppender<>();
        final ch.qos.logback.classic.Logger logger;

        DeliveryLog() {
            ch.qos.logback.classic.LoggerContext ctx = (ch.qos.logback.classic.LoggerContext) org.slf4j.LoggerFactory.getILoggerFactory();
            logs.setContext(ctx);
            logs.start();
            logger = ctx.getLogger("org.jamesexim.mailets.dsn.DsnInfoMailDelivrerToHost");
            logger.addAppender(logs);
        }

        synchronized List<String> lines() {
            List<String> out = new java.util.ArrayList<>();
            for (ch.qos.logback.classic.spi.ILoggingEvent e : new java.util.ArrayList<>(logs.list)) {
                if (e.getFormattedMessage().startsWith("delivery mail=")) {
                    out.add(e.getFormattedMessage().replaceFirst("^delivery mail=\\S+ ", ""));
                }
            }
            return out;
        }

        /** The lines, once there are at least {@code n} (60 s at most). */
        List<String> await(int n) throws InterruptedException {
            for (int i = 0; i < 600 && lines().size() < n; i++) {
                Thread.sleep(100);
            }
            return lines();
        }

        @Override
        public void close() {
            logger.detachAppender(logs);
        }
    }

    /** A host that takes the mail: one {@code =>} line with the protocol steps, {@code PS=e} (EHLO, no TLS). */
    @Test
    void aDeliveredMailIsOneLineWithItsProtocolSteps() throws Exception {
        try (SmtpSink sink = SmtpSink.start("mx.sink.test");
             JamesHarness james = JamesHarness.builder().config("mailetcontainer.xml", sampleWithGateway(sink.port())).start();
             DeliveryLog log = new DeliveryLog()) {
            assertThat(james.send(JamesHarness.DEMO_USER, List.of("a@remote.test", "b@remote.test"), "Subject: out\r\n\r\nhello\r\n").code)
                .isEqualTo(250);
            assertThat(log.await(1)).containsExactly("=> a@remote.test,b@remote.test H=[127.0.0.1]:" + sink.port() + " PS=e");
        }
    }

    @Test
    void bounceOfARefusedRecipientCarriesTheRemoteServersAddressGreetingEhloReplyAndError() throws Exception {
        try (SmtpSink sink = SmtpSink.start("mx.sink.test", "-f", "rcpt");
             JamesHarness james = JamesHarness.builder().config("mailetcontainer.xml", sampleWithGateway(sink.port())).start();
             DeliveryLog log = new DeliveryLog()) {
            SmtpClient.Reply accepted = james.send(JamesHarness.DEMO_USER, List.of("nobody@remote.test"),
                "From: demo@example.test\r\nTo: nobody@remote.test\r\nSubject: to be refused\r\nMessage-ID: <dsn-it@example.test>\r\n\r\nhello\r\n");
            assertThat(accepted.code).isEqualTo(250);

            String bounce = james.awaitMailbox(JamesHarness.DEMO_USER, JamesHarness.DEMO_PASSWORD, 1, Duration.ofSeconds(60)).get(0);
            Files.writeString(Path.of("target", "dsn-info-bounce.eml"), bounce);
            String unfolded = bounce.replace("\r\n ", " ");

            assertThat(bounce).contains("Subject: Mail delivery failed: returning message to sender")
                .containsPattern("Content-Type: multipart/report;[\\s\\S]*report-type=delivery-status")
                .contains("Content-Type: message/delivery-status");
            assertThat(bounce).contains("Final-Recipient: rfc822; nobody@remote.test\r\nAction: failed\r\nStatus: 5.3.0\r\n"
                + "Remote-MTA: dns; 127.0.0.1\r\n"
                + "Remote-MTA: X-ip; [127.0.0.1]:" + sink.port() + "\r\n"
                + "X-Remote-MTA-smtp-greeting: X-str; 220 mx.sink.test ESMTP\r\n"
                + "X-Remote-MTA-helo-response: X-str; 250-mx.sink.test\r\n");
            assertThat(unfolded).contains("X-James-Exim-Diagnostic: X-str; SMTP error from remote mail server after "
                + "RCPT TO:<nobody@remote.test>: 500 5.3.0 Error: command failed\r\n"
                + "Diagnostic-Code: smtp; 500 5.3.0 Error: command failed\r\n");
            // the original's header comes back too
            assertThat(bounce).contains("Content-Type: text/rfc822-headers").contains("Message-ID: <dsn-it@example.test>");
            assertThat(log.lines()).containsExactly("** nobody@remote.test H=[127.0.0.1]:" + sink.port() + " PS=e");
        }
    }

    /**
     * Refusals that take other paths through javax.mail and James: MAIL and DATA (SMTPSendFailedException instead of
     * SMTPAddressFailedException), the greeting and EHLO+HELO (a plain MessagingException, retried by James before it
     * bounces: the recorded diagnostic survives the retries, where DSNBounce would only say "Too many retries").
     * Each row: smtp-sink's {@code -f} list, the command the diagnostic must name, whether a helo-response is known.
     */
    @ParameterizedTest(name = "smtp-sink -f {0}")
    @CsvSource(delimiter = '|', value = {
        "mail|MAIL FROM:<demo@example.test>|true|PS=e",
        "data|DATA|true|PS=e",
        "connect|initial connection|false|",
        "ehlo,helo|HELO \\S+|true|PS=eh"})
    void otherRefusalsNameTheRefusedCommand(String refused, String commandPattern, boolean heloKnown, String ps) throws Exception {
        try (DeliveryLog log = new DeliveryLog(); SmtpSink sink = SmtpSink.start("mx.sink.test", "-f", refused);
             JamesHarness james = JamesHarness.builder().config("mailetcontainer.xml", sampleWithGateway(sink.port())
                 .replace("<delayTime>5000, 100000, 500000</delayTime>", "<delayTime>300</delayTime>")
                 .replace("<maxRetries>3</maxRetries>", "<maxRetries>1</maxRetries>")).start()) {
            assertThat(james.send(JamesHarness.DEMO_USER, List.of("nobody@remote.test"), "Subject: refused\r\n\r\nhello\r\n").code)
                .isEqualTo(250);
            String bounce = james.awaitMailbox(JamesHarness.DEMO_USER, JamesHarness.DEMO_PASSWORD, 1, Duration.ofSeconds(60)).get(0);
            String unfolded = bounce.replace("\r\n ", " ");
            String reply = "500 5.3.0 Error: command failed";
            assertThat(bounce).contains("Remote-MTA: X-ip; [127.0.0.1]:" + sink.port() + "\r\n");
            if (refused.equals("connect")) {
                assertThat(bounce).contains("X-Remote-MTA-smtp-greeting: X-str; " + reply + "\r\n")
                    .doesNotContain("X-Remote-MTA-helo-response");
            } else {
                assertThat(bounce).contains("X-Remote-MTA-smtp-greeting: X-str; 220 mx.sink.test ESMTP\r\n");
            }
            if (heloKnown) {
                assertThat(bounce).contains("X-Remote-MTA-helo-response: X-str; "
                    + (refused.startsWith("ehlo") ? reply : "250-mx.sink.test") + "\r\n");
            }
            assertThat(unfolded).containsPattern("X-James-Exim-Diagnostic: X-str; SMTP error from remote mail server after "
                + commandPattern + ": " + reply + "\r\nDiagnostic-Code: smtp; " + reply + "\r\n");
            // each attempt's line: refused for good by its reply (5xx), with the steps taken (Exim's PS=eh: EHLO refused, then HELO)
            assertThat(log.lines()).isNotEmpty().allMatch(l -> l.equals("** nobody@remote.test H=[127.0.0.1]:" + sink.port() + (ps == null ? "" : " " + ps)));
        }
    }

    /** The sample james-config/mailetcontainer.xml, with RemoteDelivery's gateway pointed at the sink. */
    static String sampleWithGateway(int port) throws Exception {
        String xml = Files.readString(JamesHarness.defaultConfigDir().resolve("mailetcontainer.xml"));
        String anchor = "class=\"org.jamesexim.mailets.DsnInfoRemoteDelivery\">";
        assertThat(xml).as("the sample configuration uses DsnInfoRemoteDelivery").contains(anchor);
        return xml.replace(anchor, anchor + "\n<gateway>127.0.0.1</gateway><gatewayPort>" + port + "</gatewayPort>");
    }
}
