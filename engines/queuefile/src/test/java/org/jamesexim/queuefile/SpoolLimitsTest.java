package org.jamesexim.queuefile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The caps of {@link SpoolLimits} on the writer's side (a message a reader would refuse is not written; an error
 * message is cut), and the settings' bounds.
 */
class SpoolLimitsTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(SpoolFormat.class)
    void theWriterRefusesWhatAReaderWouldRefuseAndCommitsNothing(SpoolFormat format) throws Exception {
        SpoolEnvelope.Builder b = SpoolEnvelope.builder().sender("a@b.example");
        for (int i = 0; i <= SpoolLimits.MAX_RECIPIENTS; i++) {
            b.addRecipient("r" + i + "@test.example");
        }
        SpoolDirectory sd = SpoolDirectory.open(dir, format);
        assertThatThrownBy(() -> sd.write(new SpooledMessage(null, b.build(), Messages.raw("many", "b\r\n"))))
                .isInstanceOf(IOException.class).hasMessageContaining("cannot be spooled").hasMessageContaining("16384");
        assertThat(sd.committedIds()).isEmpty();
        try (Stream<Path> s = Files.list(dir)) {
            assertThat(s).as("no data file, no temporary file left").isEmpty();
        }
    }

    @Test
    void theEximWriterRefusesMoreHeaderFieldsThanAReaderTakes() throws Exception {
        String headers = "X-Many: 1\r\n".repeat(SpoolLimits.MAX_HEADER_FIELDS + 1);
        byte[] raw = (headers + "\r\nbody\r\n").getBytes(StandardCharsets.US_ASCII);
        SpoolDirectory sd = SpoolDirectory.open(dir, SpoolFormat.EXIM);
        assertThatThrownBy(() -> sd.write(new SpooledMessage(null, Messages.envelope(), raw)))
                .isInstanceOf(IOException.class).hasMessageContaining("more than 10000 header fields");
        assertThat(sd.committedIds()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(SpoolFormat.class)
    void aLongErrorMessageIsCutAndAControlCharacterInTheHeloDoesNotStopTheWrite(SpoolFormat format) throws Exception {
        SpoolEnvelope e = Messages.envelope().toBuilder().errorMessage("x".repeat(SpoolLimits.MAX_ERROR_MESSAGE_CHARS * 2))
                .heloName("bad\0helo\r\nname").build();
        SpoolDirectory sd = SpoolDirectory.open(dir, format);
        String id = sd.write(new SpooledMessage(null, e, Messages.raw("cut", "b\r\n")));
        SpoolEnvelope back = sd.read(id).envelope();
        assertThat(back.errorMessage()).hasSizeLessThanOrEqualTo(SpoolLimits.MAX_ERROR_MESSAGE_CHARS).endsWith("(cut)");
    }

    @Test
    void sizes() {
        assertThat(SpoolLimits.parseSize("52428800")).isEqualTo(52428800L);
        assertThat(SpoolLimits.parseSize("512k")).isEqualTo(512L << 10);
        assertThat(SpoolLimits.parseSize(" 50M ")).isEqualTo(50L << 20);
        assertThat(SpoolLimits.parseSize("1g")).isEqualTo(1L << 30);
        for (String bad : new String[] {"", "m", "-1", "1.5m", "1t", "9999999999999m", "50 mb"}) {
            assertThatThrownBy(() -> SpoolLimits.parseSize(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void settingsAreBounded() {
        assertThatThrownBy(() -> RequeueSettings.builder().maxMessageSize(0).build()).hasMessageContaining("maxMessageSize");
        assertThatThrownBy(() -> RequeueSettings.builder().maxMessageSize(4L << 30).build()).hasMessageContaining("maxMessageSize");
        assertThatThrownBy(() -> RequeueSettings.builder().maxPerScan(0).build()).hasMessageContaining("maxPerScan");
        assertThatThrownBy(() -> RequeueSettings.builder().settle(java.time.Duration.ofSeconds(-1)).build()).hasMessageContaining("settle");
        RequeueSettings d = RequeueSettings.builder().build();
        assertThat(d.trustEnvelope()).isFalse();
        assertThat(d.maxMessageSize()).isEqualTo(50L << 20);
        assertThat(d.maxPerScan()).isEqualTo(1000);
    }
}
