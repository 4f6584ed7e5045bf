package org.jamesexim.queuefile;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every parser of the files of the incoming directory ({@code -H}, {@code -D}, the James envelope JSON) has caps
 * ({@link SpoolLimits}) and answers bad input with a {@link SpoolFormatException}: the file goes to {@code failed/}
 * with the reason, the scan goes on, nothing else is thrown (before, a header length too long for an int threw
 * NumberFormatException out of the scan, and a deeply nested attribute a StackOverflowError). The reason is safe to
 * log: control characters escaped, length capped. {@code QueueFileFuzzTest} fuzzes the same parsers.
 */
class HostileParsersTest {
    static final String NODE = "node-1";

    @TempDir
    Path in;

    TestSink sink = new TestSink();

    Requeuer requeuer(SpoolFormat format) throws IOException {
        return Requeuer.create(in, NODE, format, sink, true, Duration.ZERO, Clock.systemUTC());
    }

    // ---------------------------------------------------------------- parsers: caps and the defined refusal

    void dropExim(String id, String h, String d) throws IOException {
        Files.write(in.resolve(id + "-D"), d.getBytes(StandardCharsets.ISO_8859_1));
        Files.write(in.resolve(id + "-H"), h.getBytes(StandardCharsets.ISO_8859_1));
    }

    static final String ID = "1xWH8b-00051i-2t";

    static String minimalH(String headers) {
        return ID + "-H\nroot 0 0\n<alice@sender.example>\n1795629033 0\n-body_linecount 1\nXX\n1\nbob@test.example\n\n" + headers;
    }

    /** Refused, with the reason, moved to failed/; the scan itself does not fail. */
    String refused(SpoolFormat format, String id) throws Exception {
        Requeuer.Result res = requeuer(format).runOnce();
        assertThat(sink.enqueued).isEmpty();
        assertThat(res.failed()).containsKey(id);
        assertThat(in.resolve("failed").resolve(SpoolDirectory.commitFileName(format, id))).exists();
        assertThat(in.resolve("claimed").resolve(NODE).resolve(SpoolDirectory.commitFileName(format, id))).doesNotExist();
        return res.failed().get(id);
    }

    @Test
    void aHeaderLengthTooLongForANumberIsRefused() throws Exception {
        dropExim(ID, minimalH("99999999999999999999F From: x\n"), ID + "-D\nbody\n");
        assertThat(refused(SpoolFormat.EXIM, ID)).contains("header length");
    }

    @Test
    void aLineCountTooLongForANumberIsRefused() throws Exception {
        dropExim(ID, minimalH("").replace("-body_linecount 1", "-body_linecount 99999999999999999999"), ID + "-D\nbody\n");
        assertThat(refused(SpoolFormat.EXIM, ID)).contains("-body_linecount");
    }

    @Test
    void tooManyOptionLinesAreRefused() throws Exception {
        dropExim(ID, minimalH("").replace("-body_linecount 1\n", "-body_linecount 1\n" + "-ident x\n".repeat(10_000)), ID + "-D\nbody\n");
        assertThat(refused(SpoolFormat.EXIM, ID)).contains("more than 10000 option lines");
    }

    @Test
    void tooManyNonRecipientTreeLinesAreRefused() throws Exception {
        dropExim(ID, minimalH("").replace("XX\n", "YY a@b\n".repeat(65_537)), ID + "-D\nbody\n");
        assertThat(refused(SpoolFormat.EXIM, ID)).contains("more than 65536 non-recipients tree lines");
    }

    @Test
    void tooManyPerRecipientHeadersAreRefused() throws Exception {
        StringBuilder h = new StringBuilder();
        for (int i = 0; i <= 10_000; i++) {
            h.append(i == 0 ? "" : ",").append("{\"name\":\"X-H\",\"value\":\"").append(i).append("\"}");
        }
        writeJson("id-1", plainJson().replace("\"perRecipientHeaders\":{}", "\"perRecipientHeaders\":{\"bob@test.example\":[" + h + "]}"));
        assertThat(refused(SpoolFormat.JAMES, "id-1")).contains("more than 10000 per-recipient headers");
    }

    @Test
    void anErrorMessageLongerThanTheCapIsRefused() throws Exception {
        writeJson("id-1", plainJson().replace("\"errorMessage\":null", "\"errorMessage\":\"" + "e".repeat(65_537) + "\""));
        assertThat(refused(SpoolFormat.JAMES, "id-1")).contains("errorMessage longer than 65536");
    }

    @Test
    void tooManyHeaderFieldsAreRefused() throws Exception {
        dropExim(ID, minimalH("012  X-Header: 1\n".repeat(10_001)), ID + "-D\nbody\n");
        assertThat(refused(SpoolFormat.EXIM, ID)).contains("more than 10000 header");
    }

    @Test
    void deepJsonIsRefused() throws Exception {
        String deep = "[".repeat(100_000) + "]".repeat(100_000);
        writeJson("id-1", plainJson().replace("\"attributes\":{}", "\"attributes\":{\"x\":{\"serializer\":\"ListSerializer\",\"value\":" + deep + "}}"));
        assertThat(refused(SpoolFormat.JAMES, "id-1")).contains("nested deeper than 64");
    }

    @Test
    void aHugeNumberIsRefusedUnparsed() throws Exception {
        writeJson("id-1", plainJson().replace("\"remotePort\":0", "\"remotePort\":" + "9".repeat(200_000)));
        assertThat(refused(SpoolFormat.JAMES, "id-1")).contains("number of more than 100 characters");
    }

    @Test
    void tooManyRecipientsAreRefused() throws Exception {
        StringBuilder r = new StringBuilder();
        for (int i = 0; i < 16_385; i++) {
            r.append(i == 0 ? "" : ",").append("{\"address\":\"r").append(i).append("@test.example\"}");
        }
        writeJson("id-1", plainJson().replace("[{\"address\":\"bob@test.example\"}]", "[" + r + "]"));
        assertThat(refused(SpoolFormat.JAMES, "id-1")).contains("more than 16384 recipients");
    }

    @Test
    void tooManyAttributesAreRefused() throws Exception {
        StringBuilder a = new StringBuilder();
        for (int i = 0; i < 1001; i++) {
            a.append(i == 0 ? "" : ",").append("\"a").append(i).append("\":{\"serializer\":\"IntSerializer\",\"value\":1}");
        }
        writeJson("id-1", plainJson().replace("\"attributes\":{}", "\"attributes\":{" + a + "}"));
        assertThat(refused(SpoolFormat.JAMES, "id-1")).contains("more than 1000 attributes");
    }

    @Test
    void aFieldLongerThanTheCapIsRefused() throws Exception {
        writeJson("id-1", plainJson().replace("\"alice@sender.example\"", "\"" + "a".repeat(5000) + "@sender.example\""));
        assertThat(refused(SpoolFormat.JAMES, "id-1")).contains("sender").contains("longer than 4096");
    }

    static String plainJson() {
        SpoolEnvelope e = SpoolEnvelope.builder().sender("alice@sender.example").addRecipient("bob@test.example").build();
        return new String(new JamesEnvelopeCodec().encode(e, "id-1", "id-1.eml", 0, "x"), StandardCharsets.UTF_8);
    }

    void writeJson(String id, String json) throws IOException {
        byte[] content = Messages.raw("x", "b\r\n");
        String j = json.replaceAll("\"size\":\\d+", "\"size\":" + content.length).replace("\"sha256\":\"x\"", "\"sha256\":\"" + SpoolDirectory.sha256(content) + "\"");
        Files.write(in.resolve(id + ".eml"), content);
        Files.write(in.resolve(id + ".json"), j.getBytes(StandardCharsets.UTF_8));
    }

    // ---------------------------------------------------------------- attacker text reaching logs

    @Test
    void controlCharactersInAReasonAreEscapedAndItsLengthIsCapped() throws Exception {
        // the -H is read one char per byte (ISO-8859-1): U+2028 arrives as its UTF-8 bytes, the last two of them C1 controls
        String h = ID + "-H\nroot 0 0\n<a\r\u001b[31mb\u0085" + new String("\u2028c".getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1)
                + "\n1795629033 0\nXX\n1\nbob@test.example\n\n";
        dropExim(ID, h, ID + "-D\n");
        String why = refused(SpoolFormat.EXIM, ID);
        assertThat(why).doesNotContain("\r", "\u001b", "\u0085", "\u0080").contains("\\r").contains("\\x1b").contains("\\u0085").contains("\\u0080");
        assertThat(Files.readString(in.resolve("failed").resolve(ID + ".error"), StandardCharsets.UTF_8)).doesNotContain("\r", "\u001b");

        String id2 = "1xWH8b-00051i-2u";
        dropExim(id2, "x".repeat(1 << 20) + "\n", id2 + "-D\n");
        sink.enqueued.clear();
        String long1 = refused(SpoolFormat.EXIM, id2);
        assertThat(long1.length()).isLessThanOrEqualTo(1000);
    }
}
