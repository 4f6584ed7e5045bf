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
    @Test
    void bounceOfARefusedRecipientCarriesTheRemoteServersAddressGreetingEhloReplyAndError() throws Exception {
        try (SmtpSink sink = SmtpSink.start("mx.sink.test", "-f", "rcpt");
             JamesHarness james = JamesHarness.builder().config("mailetcontainer.xml", sampleWithGateway(sink.port())).start()) {
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
        }
    }

    /**
     * The transaction-level refusals (MAIL, DATA) take another path through javax.mail (SMTPSendFailedException
     * instead of SMTPAddressFailedException): the diagnostic names the command smtp-sink refused.
     */
    @ParameterizedTest(name = "smtp-sink -f {0}")
    @CsvSource(delimiter = '|', value = {
        "mail|MAIL FROM:<demo@example.test>",
        "data|DATA"})
    void refusedTransactionNamesTheCommand(String refused, String command) throws Exception {
        try (SmtpSink sink = SmtpSink.start("mx.sink.test", "-f", refused);
             JamesHarness james = JamesHarness.builder().config("mailetcontainer.xml", sampleWithGateway(sink.port())).start()) {
            assertThat(james.send(JamesHarness.DEMO_USER, List.of("nobody@remote.test"), "Subject: refused\r\n\r\nhello\r\n").code)
                .isEqualTo(250);
            String bounce = james.awaitMailbox(JamesHarness.DEMO_USER, JamesHarness.DEMO_PASSWORD, 1, Duration.ofSeconds(60)).get(0);
            assertThat(bounce).contains("Remote-MTA: X-ip; [127.0.0.1]:" + sink.port() + "\r\n"
                + "X-Remote-MTA-smtp-greeting: X-str; 220 mx.sink.test ESMTP\r\n"
                + "X-Remote-MTA-helo-response: X-str; 250-mx.sink.test\r\n");
            assertThat(bounce.replace("\r\n ", " ")).contains("X-James-Exim-Diagnostic: X-str; SMTP error from remote mail server after "
                + command + ": 500 5.3.0 Error: command failed\r\n"
                + "Diagnostic-Code: smtp; 500 5.3.0 Error: command failed\r\n");
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
