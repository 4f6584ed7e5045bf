package org.jamesexim.mailets.dsn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import org.jamesexim.dsn.BoundedReplyInput;
import org.jamesexim.dsn.DeliveryStatusReport;
import org.jamesexim.dsn.HeaderValues;
import org.jamesexim.dsn.RemoteMta;
import org.jamesexim.dsn.SmtpFailure;
import org.junit.jupiter.api.Test;

import com.sun.mail.util.LineInputStream;

/**
 * What a remote MX may send for DSN info: replies are read through {@link BoundedReplyInput} under javax.mail's own
 * line reader, and whatever is recorded (greeting, EHLO reply, error reply) makes a delivery-status part whose every
 * line is a field of ours or a fold of one, in printable ASCII, of bounded size. Linearity: the JMH benchmarks
 * {@code DeliveryStatusReportBenchmark} and {@code HostileInputBenchmark}.
 */
class DsnHostileInputTest {

    static String readReply(byte[] bytes) throws IOException {
        BoundedReplyInput bounded = new BoundedReplyInput(new ByteArrayInputStream(bytes), 0);
        bounded.startReply();
        LineInputStream lines = new LineInputStream(bounded);
        StringBuilder reply = new StringBuilder();
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
            reply.append(line).append('\n');
            if (line.length() < 4 || line.charAt(3) != '-') {
                break;
            }
        }
        return reply.toString();
    }

    /** Before: javax.mail's reader kept a line, or a reply, of any length. */
    @Test
    void repliesAreCappedInLineLengthLineCountAndSize() throws Exception {
        assertThat(readReply("250-a\r\n250 b\r\n".getBytes(StandardCharsets.US_ASCII))).isEqualTo("250-a\n250 b\n");
        assertThatThrownBy(() -> readReply(("250 " + "x".repeat(BoundedReplyInput.MAX_LINE)).getBytes(StandardCharsets.US_ASCII)))
            .isInstanceOf(IOException.class).hasMessageContaining("longer than " + BoundedReplyInput.MAX_LINE);
        assertThatThrownBy(() -> readReply("250-x\r\n".repeat(BoundedReplyInput.MAX_LINES + 1).getBytes(StandardCharsets.US_ASCII)))
            .hasMessageContaining("more than " + BoundedReplyInput.MAX_LINES + " lines");
        assertThat(readReply(("250-x\r\n".repeat(BoundedReplyInput.MAX_LINES - 1) + "250 y\r\n").getBytes(StandardCharsets.US_ASCII)))
            .endsWith("250 y\n");
        String wide = ("250-" + "x".repeat(1000) + "\r\n").repeat(40);
        assertThatThrownBy(() -> readReply(wide.getBytes(StandardCharsets.US_ASCII))).hasMessageContaining("longer than " + BoundedReplyInput.MAX_REPLY);
    }

    @Test
    void eachReplyHasItsOwnCountsAndTheDeadlineHoldsWhateverTheBytes() throws Exception {
        byte[] two = ("250-x\r\n".repeat(BoundedReplyInput.MAX_LINES - 1) + "250 y\r\n").repeat(2).getBytes(StandardCharsets.US_ASCII);
        BoundedReplyInput bounded = new BoundedReplyInput(new ByteArrayInputStream(two), 0);
        LineInputStream lines = new LineInputStream(bounded);
        for (int reply = 0; reply < 2; reply++) {
            bounded.startReply();
            for (int i = 0; i < BoundedReplyInput.MAX_LINES; i++) {
                assertThat(lines.readLine()).isNotNull();
            }
        }
        InputStream endless = new InputStream() {
            @Override
            public int read() {
                return 'x';
            }
        };
        BoundedReplyInput late = new BoundedReplyInput(endless, System.nanoTime() - 1);
        assertThatThrownBy(late::read).isInstanceOf(SocketTimeoutException.class);
    }

    @Test
    void recordedValuesAreCut() {
        DsnInfoRecording r = new DsnInfoRecording();
        r.reply("220 " + "g".repeat(10_000));
        r.heloResponse("250 " + "h".repeat(10_000));
        r.failure("a@b", SmtpFailure.of("RCPT TO:<a@b>", "550 " + "f".repeat(10_000)));
        assertThat(r.greeting()).hasSize(DsnInfoRecording.RECORDED_MAX);
        assertThat(r.heloResponse()).hasSize(DsnInfoRecording.RECORDED_MAX);
        assertThat(r.failures().get("a@b").reply()).hasSize(DsnInfoRecording.RECORDED_MAX);
    }

    @Provide
    Arbitrary<String> hostile() {
        Arbitrary<String> parts = Arbitraries.of("550", "550-", "250 ", "5.1.1", "\r\n", "\n", "\r", "\t", " ", "\u0000", "\u00e9", "\u2028",
            "X-Injected: 1", "Final-Recipient: rfc822; evil", "--boundary", ":", ";", "x".repeat(200), "\r\n\r\n", "\r\n ");
        Arbitrary<String> soup = parts.list().ofMaxSize(60).map(l -> String.join("", l));
        return Arbitraries.oneOf(soup, Arbitraries.strings().ofMaxLength(300));
    }

    /** Every line of the report is ours: a known field name, or a fold (leading space) of one. */
    @Property(tries = 1000)
    void nothingARemoteServerSendsBecomesAFieldOfTheReport(@ForAll("hostile") String greeting, @ForAll("hostile") String ehlo,
                                                        @ForAll("hostile") String reply, @ForAll("hostile") String host) {
        String text = DeliveryStatusReport.builder("mx.example.test").dsnInfo(true)
            .failed("rcpt@remote.test", RemoteMta.of(host, "192.0.2.1", 25, greeting, ehlo), SmtpFailure.of("RCPT TO:<rcpt@remote.test>", reply),
                null, ZonedDateTime.now())
            .build().text();
        for (String line : text.split("\r\n", -1)) {
            assertThat(line).matches("[ -~]*");
            if (!line.isEmpty() && !line.startsWith(" ")) {
                assertThat(line).matches("(Reporting-MTA|Final-Recipient|Action|Status|Remote-MTA|X-Remote-MTA-smtp-greeting"
                    + "|X-Remote-MTA-helo-response|X-James-Exim-Diagnostic|Diagnostic-Code|Last-Attempt-Date): .*");
            }
        }
        assertThat(text.length()).isLessThan(6000);
    }

    @Test
    void megabyteRepliesGiveABoundedReport() {
        String mb = ("550-" + "y".repeat(1000) + "\n").repeat(2000) + "550 end";
        String text = DeliveryStatusReport.builder("mx.example.test").dsnInfo(true)
            .failed("rcpt@remote.test", RemoteMta.of("mx", "192.0.2.1", 25, mb, mb), SmtpFailure.of("RCPT TO:<rcpt@remote.test>", mb),
                null, null)
            .build().text();
        assertThat(text.length()).isLessThan(6000);
        assertThat(HeaderValues.firstLine(mb, HeaderValues.SHORT_VALUE_MAX)).hasSize(HeaderValues.SHORT_VALUE_MAX);
    }
}
