package org.jamesexim.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.jamesexim.bmi.testing.RspamdFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RspamdFixture.Extension.class)
class BmiScanCommandTest {

    @Test
    void printsEachRecipientsVerdictFromARealRspamd(RspamdFixture rspamd) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = new BmiScanCommand().run(List.of("--endpoint", rspamd.endpoint(), "--to", "a@example.test",
                "--to", "b@example.test=strict", "--from", "alice@example.com", "--client-name", "mail.example.com"),
            new ByteArrayInputStream(RspamdFixture.message("x", RspamdFixture.MARKER)),
            new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(code).isZero();
        assertThat(text).contains("a@example.test: outcome=alternate bmi_deliver=1 bmi_alt_location=Junk action=add header")
            .contains("b@example.test: outcome=dont_deliver bmi_deliver=0 bmi_alt_location= action=reject")
            .contains("profile=strict").contains("BMI_TEST_MARKER").contains("b@example.test: bmi_base64_verdict=ey");
    }

    @Test
    void downEngineExits75AndBadArgumentsAreUsageErrors() throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = new BmiScanCommand().run(List.of("--endpoint", "127.0.0.1 " + RspamdFixture.freePort(), "--to", "a@example.test"),
            new ByteArrayInputStream("Subject: x\r\n\r\nx\r\n".getBytes(StandardCharsets.US_ASCII)),
            new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(code).isEqualTo(75);
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("bmi scan failed: rspamd scan failed");
        assertThatThrownBy(() -> new BmiScanCommand().run(List.of("--endpoint", "x"), null, null, null)).isInstanceOf(UsageException.class);
        assertThatThrownBy(() -> new BmiScanCommand().run(List.of("--to", "a@b=bad opt", "--endpoint", "127.0.0.1 1"), null, null, null))
            .isInstanceOf(UsageException.class).hasMessageContaining("visible ASCII");
    }
}
