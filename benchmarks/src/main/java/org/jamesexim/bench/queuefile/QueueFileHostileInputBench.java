package org.jamesexim.bench.queuefile;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import org.jamesexim.queuefile.EximHeaderFile;
import org.jamesexim.queuefile.EximSpoolCodec;
import org.jamesexim.queuefile.JamesEnvelopeCodec;
import org.jamesexim.queuefile.SpoolEnvelope;
import org.jamesexim.queuefile.SpoolFormatException;
import org.jamesexim.queuefile.SpooledMessage;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The parsers of the incoming directory's files on hostile input of growing size ({@code kib}): time per call should
 * grow with the size at most linearly (constant nanoseconds per byte), or not at all where a cap stops the work early.
 * <ul>
 *   <li>{@code hHeaders}: a {@code -H} whose header section is {@code kib} KiB in 5000 fields, parsed and decoded with
 *   its {@code -D} into a message;</li>
 *   <li>{@code hRecipients}: a {@code -H} with 16384 recipients (the cap) in the DSN form, each line {@code kib}/16 bytes;</li>
 *   <li>{@code hLongLineRefused}: a first line of {@code kib} KiB without its newline (refused: the line cap);</li>
 *   <li>{@code jsonAttribute}: a James envelope with one string attribute of {@code kib} KiB, decoded;</li>
 *   <li>{@code jsonRecipientsRefused}: an envelope with {@code kib} KiB of recipients (at least 16385 of them, about
 *   500 KiB), refused beyond 16384;</li>
 *   <li>{@code jsonNumberRefused}: a number of {@code kib} KiB digits (refused before any conversion; converting it is
 *   quadratic: 200 000 digits took 5 s in Jackson 2.14);</li>
 *   <li>{@code jsonDeepRefused}: {@code kib} KiB of nested arrays (refused at depth 65);</li>
 *   <li>{@code splitHeaders}: the Exim writer splitting a header section of {@code kib} KiB (80-byte fields).</li>
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class QueueFileHostileInputBench {
    static final String ID = "1xWH8b-00051i-2t";

    @Param({"256", "1024", "4096", "15360"})
    public int kib;

    private byte[] hHeaders;
    private byte[] dFile;
    private byte[] hRecipients;
    private byte[] hLongLine;
    private byte[] jsonAttribute;
    private byte[] jsonRecipients;
    private byte[] jsonNumber;
    private byte[] jsonDeep;
    private byte[] message;
    private final JamesEnvelopeCodec json = new JamesEnvelopeCodec();
    private final EximSpoolCodec exim = new EximSpoolCodec();

    static final String H_START = ID + "-H\nroot 0 0\n<alice@sender.example>\n1795629033 0\n-received_time_usec .896036\n--helo_name client.example\n"
            + "--host_address [192.0.2.10]:42424\n-body_linecount 1\nXX\n";

    @Setup
    public void setUp() {
        int bytes = kib << 10;
        int fieldLength = Math.max(16, bytes / 5000);
        StringBuilder h = new StringBuilder(bytes + 1000).append(H_START).append("1\nbob@test.example\n\n");
        String value = "v".repeat(fieldLength - 11);
        for (int i = 0; i < 5000; i++) {
            String text = "X-F" + String.format("%04d", i) + ": " + value + "\n";
            h.append(text.length() < 100 ? String.format("%03d", text.length()) : Integer.toString(text.length())).append("  ").append(text);
        }
        hHeaders = h.toString().getBytes(StandardCharsets.ISO_8859_1);
        dFile = (ID + "-D\nbody\n").getBytes(StandardCharsets.US_ASCII);

        int lineLength = Math.max(40, bytes / 16384);
        StringBuilder r = new StringBuilder(bytes + 1000).append(H_START).append("16384\n");
        String orcpt = "rfc822;" + "o".repeat(lineLength - 40);
        for (int i = 0; i < 16384; i++) {
            r.append(String.format("r%05d@test.example", i)).append(' ').append(orcpt).append(' ').append(orcpt.length()).append(",12  0,-1#3\n");
        }
        r.append("\n020  Subject: recipients\n");
        hRecipients = r.toString().getBytes(StandardCharsets.ISO_8859_1);

        hLongLine = ("x".repeat(bytes)).getBytes(StandardCharsets.ISO_8859_1);

        String base = new String(json.encode(SpoolEnvelope.builder().sender("alice@sender.example").addRecipient("bob@test.example").build(),
                "id-1", "id-1.eml", 10, "ab"), StandardCharsets.UTF_8);
        jsonAttribute = base.replace("\"attributes\":{}", "\"attributes\":{\"big\":{\"serializer\":\"StringSerializer\",\"value\":\""
                + "v".repeat(bytes) + "\"}}").getBytes(StandardCharsets.UTF_8);
        StringBuilder many = new StringBuilder(bytes + 100);
        for (int i = 0; many.length() < bytes || i <= 16384; i++) {
            many.append(i == 0 ? "" : ",").append("{\"address\":\"r").append(i).append("@t.example\"}");
        }
        jsonRecipients = base.replace("[{\"address\":\"bob@test.example\"}]", "[" + many + "]").getBytes(StandardCharsets.UTF_8);
        jsonNumber = base.replace("\"remotePort\":0", "\"remotePort\":" + "7".repeat(bytes)).getBytes(StandardCharsets.UTF_8);
        jsonDeep = base.replace("\"attributes\":{}", "\"attributes\":{\"d\":" + "[".repeat(bytes / 2) + "]".repeat(bytes / 2) + "}")
                .getBytes(StandardCharsets.UTF_8);

        StringBuilder m = new StringBuilder(bytes + 100);
        for (int i = 0; m.length() < bytes; i++) {
            m.append("X-Header-").append(i).append(": ").append("w".repeat(60)).append("\r\n");
        }
        message = m.append("\r\nbody\r\n").toString().getBytes(StandardCharsets.US_ASCII);
    }

    @Benchmark
    public SpooledMessage hHeaders() throws SpoolFormatException {
        return exim.decode(EximHeaderFile.parse(hHeaders, ID), dFile);
    }

    @Benchmark
    public EximHeaderFile hRecipients() throws SpoolFormatException {
        return EximHeaderFile.parse(hRecipients, ID);
    }

    @Benchmark
    public String hLongLineRefused() {
        return refused(() -> EximHeaderFile.parse(hLongLine, ID));
    }

    @Benchmark
    public SpoolEnvelope jsonAttribute() throws SpoolFormatException {
        return json.decode(jsonAttribute, "bench").envelope();
    }

    @Benchmark
    public String jsonRecipientsRefused() {
        return refused(() -> json.decode(jsonRecipients, "bench"));
    }

    @Benchmark
    public String jsonNumberRefused() {
        return refused(() -> json.decode(jsonNumber, "bench"));
    }

    @Benchmark
    public String jsonDeepRefused() {
        return refused(() -> json.decode(jsonDeep, "bench"));
    }

    @Benchmark
    public int splitHeaders() {
        return exim.encode(new SpooledMessage(null, SpoolEnvelope.builder().addRecipient("bob@test.example").build(), message), ID, "root", 0, 0)
                .header().headers().size();
    }

    interface Parse {
        Object run() throws SpoolFormatException;
    }

    /** The refusal's message: the benchmark measures reaching it (a parse that succeeds is a broken benchmark). */
    static String refused(Parse p) {
        try {
            p.run();
        } catch (SpoolFormatException e) {
            return e.getMessage();
        }
        throw new IllegalStateException("not refused");
    }
}
