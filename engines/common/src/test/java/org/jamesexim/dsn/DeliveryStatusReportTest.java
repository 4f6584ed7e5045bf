package org.jamesexim.dsn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

/** Expected texts are Exim 4.99.1's output with EXPERIMENTAL_DSN_INFO (shared/docs/dsn-protocol-detail.md §1). */
class DeliveryStatusReportTest {
    private static final String Y60 = "y".repeat(60);
    private static final String RCPT_REPLY = "550-5.1.1 The email account that you tried to reach does not exist.\n"
        + "550 5.1.1 Please check the address " + Y60 + " and try again\n";

    @Test
    void rcptRejectionIsFoldedAsEximFoldsIt() {
        String text = DeliveryStatusReport.builder("james.example").dsnInfo(true).diagnosticField("X-Exim-Diagnostic")
            .failed("user@remote.example", RemoteMta.of("localhost", "127.0.0.1", 12710, null, null),
                SmtpFailure.of("RCPT TO:<user@remote.example>", RCPT_REPLY), null, null)
            .build().text();

        assertThat(text).contains("Remote-MTA: dns; localhost\r\n"
            + "Remote-MTA: X-ip; [127.0.0.1]:12710\r\n"
            + "X-Exim-Diagnostic: X-str; SMTP error from remote mail server after RCPT\r\n"
            + " TO:<user@remote.example>: 550-5.1.1 The email account that you tried to reach\r\n"
            + " does not exist.\r\n"
            + " 550 5.1.1 Please check the address\r\n"
            + " " + Y60 + " and try again\r\n"
            + "Diagnostic-Code: smtp; 550-5.1.1 The email account that you tried to reach does not exist.\r\n"
            + " 550 5.1.1 Please check the address " + Y60 + " and try again\r\n");
        assertThat(text).contains("Status: 5.1.1\r\n");
    }

    @Test
    void greetingAndHeloKeepTheirFirstLineWithTheDash() {
        String text = DeliveryStatusReport.builder("james.example").dsnInfo(true).diagnosticField("X-Exim-Diagnostic")
            .failed("user@remote.example", RemoteMta.of("mx.remote.example", "127.0.0.1", 12710,
                    "220-mx.remote.example ESMTP FakeMTA ready\r\n220 second greeting line\r\n",
                    "250-mx.remote.example Hello sender.test.ex [127.0.0.1]\r\n250-SIZE 52428800\r\n250 HELP\r\n"),
                SmtpFailure.of("pipelined MAIL FROM:<sender@test.ex>", "550 5.7.1 sender rejected"), null, null)
            .build().text();

        assertThat(text).contains("X-Remote-MTA-smtp-greeting: X-str; 220-mx.remote.example ESMTP FakeMTA ready\r\n"
            + "X-Remote-MTA-helo-response: X-str; 250-mx.remote.example Hello sender.test.ex\r\n"
            + " [127.0.0.1]\r\n"
            + "X-Exim-Diagnostic: X-str; SMTP error from remote mail server after pipelined\r\n"
            + " MAIL FROM:<sender@test.ex>: 550 5.7.1 sender rejected\r\n"
            + "Diagnostic-Code: smtp; 550 5.7.1 sender rejected\r\n");
    }

    @Test
    void portIsLeftOutOnlyFor25AndIpv6IsBracketed() {
        assertThat(RemoteMta.of(null, "192.0.2.1", 25, null, null).xIp()).isEqualTo("[192.0.2.1]");
        assertThat(RemoteMta.of(null, "192.0.2.1", 2525, null, null).xIp()).isEqualTo("[192.0.2.1]:2525");
        assertThat(RemoteMta.of(null, "2001:db8::1", 587, null, null).xIp()).isEqualTo("[2001:db8::1]:587");
    }

    @Test
    void longGreetingIsCutTo128AndWrappedAt79() {
        String banner = "220 " + "x".repeat(178);
        String text = DeliveryStatusReport.builder("j").dsnInfo(true)
            .failed("a@b", RemoteMta.of(null, "192.0.2.1", 25, banner, null), SmtpFailure.of("DATA", "554 no"), null, null)
            .build().text();
        String field = fieldOf(text, "X-Remote-MTA-smtp-greeting");
        // folding only adds CRLF + one space; with the spaces gone, exactly the first 128 characters remain
        assertThat(field.replace("\r\n", "").replace(" ", "")).isEqualTo("X-Remote-MTA-smtp-greeting:X-str;" + banner.substring(0, 128).replace(" ", ""));
        assertThat(field.split("\r\n")).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(79));
    }

    @Test
    void hostileReplyCannotInjectFieldsOrEndTheGroup() {
        String hostile = "550 no\r\nX-Injected: yes\r\n\r\n\r\nFinal-Recipient: rfc822; evil@x\u0000\u001b[31m\u00e9";
        String text = DeliveryStatusReport.builder("j").dsnInfo(true)
            .failed("a@b", RemoteMta.of("mx", "192.0.2.1", 25, hostile, hostile),
                SmtpFailure.of("RCPT TO:<a@b>", hostile + "\n" + "z".repeat(5000)), null, null)
            .build().text();
        List<String> lines = Arrays.asList(text.split("\r\n", -1));
        List<String> fieldStarts = lines.stream().filter(l -> !l.isEmpty() && !l.startsWith(" ")).map(l -> l.substring(0, l.indexOf(':')))
            .collect(Collectors.toList());
        assertThat(fieldStarts).containsExactly("Reporting-MTA", "Final-Recipient", "Action", "Status", "Remote-MTA", "Remote-MTA",
            "X-Remote-MTA-smtp-greeting", "X-Remote-MTA-helo-response", "X-James-Exim-Diagnostic", "Diagnostic-Code");
        assertThat(text).doesNotContain("\u0000", "\u001b", "\u00e9").doesNotContain("\r\n\r\n\r\n");
        assertThat(text.replace("\r\n", "")).doesNotContain("\r", "\n");
        assertThat(lines).allSatisfy(l -> assertThat(l.length()).isLessThan(998));
        assertThat(fieldOf(text, "X-James-Exim-Diagnostic").length()).isLessThanOrEqualTo(HeaderValues.FIELD_MAX);
        assertThat(fieldOf(text, "Diagnostic-Code")).endsWith("[truncated]");
    }

    @Test
    void withoutDsnInfoOnlyStandardFieldsAreWritten() {
        String text = DeliveryStatusReport.builder("j").dsnInfo(false)
            .failed("a@b", RemoteMta.of("mx", "192.0.2.1", 25, "220 hi", "250 ok"), SmtpFailure.of("RCPT TO:<a@b>", "550 no"),
                null, ZonedDateTime.of(2024, 2, 3, 4, 5, 6, 0, ZoneOffset.UTC))
            .build().text();
        assertThat(text).isEqualTo("Reporting-MTA: dns; j\r\n\r\nFinal-Recipient: rfc822; a@b\r\nAction: failed\r\nStatus: 5.0.0\r\n"
            + "Remote-MTA: dns; mx\r\nDiagnostic-Code: smtp; 550 no\r\nLast-Attempt-Date: Sat, 3 Feb 2024 04:05:06 GMT\r\n");
    }

    @Test
    void envelopeIdAndOriginalRecipientComeFirstInTheirParts() {
        String text = DeliveryStatusReport.builder("j").envelopeId("QQ314159\r\nX-Bad: 1").dsnInfo(false)
            .failed("rfc822-orig@b", "a@b", null, SmtpFailure.of("RCPT TO:<a@b>", "550 no"), null, null)
            .build().text();
        assertThat(text).startsWith("Original-Envelope-Id: QQ314159\r\nReporting-MTA: dns; j\r\n\r\n"
            + "Original-Recipient: rfc822; rfc822-orig@b\r\nFinal-Recipient: rfc822; a@b\r\n");
        assertThat(text).doesNotContain("X-Bad");
    }

    @Test
    void noServerReachedMeansNoRemoteMtaFields() {
        String text = DeliveryStatusReport.builder("j").dsnInfo(true)
            .failed("a@b", null, null, "Connection refused", null).build().text();
        assertThat(text).doesNotContain("Remote-MTA", "X-Remote", "X-James-Exim-Diagnostic")
            .contains("Status: 5.0.0\r\n", "Diagnostic-Code: X-James; Connection refused\r\n");
    }

    @Test
    void statusIsAlwaysACodeOfClassFive() {
        assertThat(SmtpFailure.of("RCPT TO:<a@b>", "550 5.1.1 unknown").failedStatus()).isEqualTo("5.1.1");
        assertThat(SmtpFailure.of("RCPT TO:<a@b>", "550-5.1.10 unknown\n550 5.1.10 x").failedStatus()).isEqualTo("5.1.10");
        assertThat(SmtpFailure.of("RCPT TO:<a@b>", "550 user unknown").failedStatus()).isEqualTo("5.0.0");
        assertThat(SmtpFailure.of("RCPT TO:<a@b>", "451 4.3.0 try later").failedStatus()).isEqualTo("5.0.0");
        assertThat(SmtpFailure.of("RCPT TO:<a@b>", "550 5.1.1x").failedStatus()).isEqualTo("5.0.0");
        assertThat(SmtpFailure.of("RCPT TO:<a@b>", "550 5.1.1 unknown").code()).isEqualTo(550);
    }

    @Test
    void badDiagnosticFieldNameIsRefused() {
        assertThatThrownBy(() -> DeliveryStatusReport.builder("j").diagnosticField("Diag\r\nX: y"))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("X-");
        assertThatThrownBy(() -> DeliveryStatusReport.builder("j").diagnosticField("Diagnostic"))
            .isInstanceOf(IllegalArgumentException.class);
    }

    private static String fieldOf(String text, String name) {
        int start = text.indexOf(name + ":");
        int end = start;
        do {
            end = text.indexOf("\r\n", end + 1);
        } while (end + 2 < text.length() && text.charAt(end + 2) == ' ');
        return text.substring(start, end);
    }
}
