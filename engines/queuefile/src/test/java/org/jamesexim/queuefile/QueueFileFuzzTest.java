package org.jamesexim.queuefile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Fuzzing the parsers of what the incoming directory holds (Exim {@code -H} and {@code -D}, the James envelope JSON,
 * the message header section the Exim writer splits) with jqwik: whatever the bytes, each parser answers (a parsed
 * file / message) or refuses with a {@link SpoolFormatException}, and never throws anything else; the requeuer puts
 * every mutated pair somewhere (requeued, {@code failed/} with a reason, or left waiting), loses no file and never
 * fails its scan. Large inputs (megabytes of header, a million recipient lines, 10 MB of JSON, a 16 MiB number) are
 * answered or refused in one pass; a generous time bound only catches a hang, the linear cost is shown by the JMH
 * benchmark {@code QueueFileHostileInputBench} (BENCHMARKS.md, "Queuefile hostile input").
 */
class QueueFileFuzzTest {
    static final String ID = "1xWH8b-00051i-2t";
    static final Duration HANG = Duration.ofSeconds(60);

    /** Bytes that matter to the parsers. */
    static final byte[] ALPHABET = "0123456789 -<>[]:,#.\n\r\t\0XYNPFTCBIRS*{}\"\\:,aclm_envelope\u00ff\u0080".getBytes(StandardCharsets.ISO_8859_1);

    static byte[] validH() {
        return EximHeaderFileTest.REAL_H.getBytes(StandardCharsets.ISO_8859_1);
    }

    static byte[] writtenH() {
        EximSpoolCodec.Pair p = new EximSpoolCodec().encode(new SpooledMessage(null, Messages.envelope(), Messages.raw("fuzz", "one\r\ntwo\r\n")),
                ID, "root", 0, 0);
        return p.header().toBytes();
    }

    static byte[] validJson() {
        return new JamesEnvelopeCodec().encode(Messages.envelope(), "id-1", "id-1.eml", 10, "ab");
    }

    /** One edit of a valid file: replace, insert, delete a byte, cut the file, duplicate or drop a line, or change a digit run. */
    static Arbitrary<byte[]> mutated(byte[] base) {
        Arbitrary<Integer> pos = Arbitraries.integers().between(0, base.length - 1);
        Arbitrary<Byte> b = Arbitraries.of(toObjects(ALPHABET));
        return Combinators.combine(Arbitraries.integers().between(0, 6), pos, b, Arbitraries.integers().between(1, 400))
                .as((op, at, v, n) -> mutate(base, op, at, v, n))
                .flatMap(once -> Arbitraries.integers().between(0, 3).map(more -> {
                    byte[] x = once;
                    for (int i = 0; i < more && x.length > 0; i++) {
                        x = mutate(x, (at(x, i * 7919) % 7), at(x, i * 104729) % x.length, ALPHABET[i % ALPHABET.length], 1 + i * 37);
                    }
                    return x;
                }));
    }

    private static int at(byte[] x, int seed) {
        return Math.abs(Arrays.hashCode(x) + seed);
    }

    static byte[] mutate(byte[] base, int op, int at, byte v, int n) {
        int p = Math.min(at, base.length - 1);
        switch (op) {
            case 0: { byte[] c = base.clone(); c[p] = v; return c; }
            case 1: return concat(Arrays.copyOf(base, p), new byte[] {v}, Arrays.copyOfRange(base, p, base.length));
            case 2: return concat(Arrays.copyOf(base, p), Arrays.copyOfRange(base, Math.min(base.length, p + 1), base.length));
            case 3: return Arrays.copyOf(base, p);
            case 4: {
                int s = lineStart(base, p);
                int e = lineEnd(base, p);
                byte[] line = Arrays.copyOfRange(base, s, e);
                return concat(Arrays.copyOf(base, e), line, Arrays.copyOfRange(base, e, base.length));
            }
            case 5: return concat(Arrays.copyOf(base, lineStart(base, p)), Arrays.copyOfRange(base, lineEnd(base, p), base.length));
            default: {
                byte[] digits = new byte[n];
                Arrays.fill(digits, (byte) '9');
                return concat(Arrays.copyOf(base, p), digits, Arrays.copyOfRange(base, p, base.length));
            }
        }
    }

    private static int lineStart(byte[] b, int p) {
        int s = p;
        while (s > 0 && b[s - 1] != '\n') {
            s--;
        }
        return s;
    }

    private static int lineEnd(byte[] b, int p) {
        int e = p;
        while (e < b.length && b[e] != '\n') {
            e++;
        }
        return Math.min(b.length, e + 1);
    }

    static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] r = new byte[n];
        int o = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, r, o, p.length);
            o += p.length;
        }
        return r;
    }

    static Byte[] toObjects(byte[] b) {
        Byte[] r = new Byte[b.length];
        for (int i = 0; i < b.length; i++) {
            r[i] = b[i];
        }
        return r;
    }

    /** Parses and decodes a -H (and a -D): the only exception allowed is SpoolFormatException. */
    static void parseExim(byte[] h, byte[] d) {
        try {
            EximHeaderFile f = EximHeaderFile.parse(h, null);
            f.toBytes();
            new EximSpoolCodec().decode(f, d);
        } catch (SpoolFormatException e) {
            assertThat(e.getMessage()).hasSizeLessThan(2000).doesNotContain("\r", "\u0000");
        }
    }

    static void parseJson(byte[] j) {
        try {
            new JamesEnvelopeCodec().decode(j, "fuzz.json");
        } catch (SpoolFormatException e) {
            assertThat(e.getMessage()).hasSizeLessThan(2000).doesNotContain("\r", "\u0000");
        }
    }

    // ---------------------------------------------------------------- -H and -D

    @Provide
    Arbitrary<byte[]> hFiles() {
        Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(600);
        Arbitrary<byte[]> fromAlphabet = Arbitraries.of(toObjects(ALPHABET)).list().ofMaxSize(600).map(l -> {
            byte[] r = new byte[l.size()];
            for (int i = 0; i < r.length; i++) {
                r[i] = l.get(i);
            }
            return r;
        });
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(1, random), net.jqwik.api.Tuple.of(1, fromAlphabet),
                net.jqwik.api.Tuple.of(4, mutated(validH())), net.jqwik.api.Tuple.of(4, mutated(writtenH())));
    }

    @Property(tries = 1500)
    void anyHFileIsParsedOrRefused(@ForAll("hFiles") byte[] h, @ForAll("dFiles") byte[] d) {
        parseExim(h, d);
    }

    @Provide
    Arbitrary<byte[]> dFiles() {
        byte[] valid = (ID + "-D\nbody one\nbody two\nbody three\n").getBytes(StandardCharsets.ISO_8859_1);
        return Arbitraries.oneOf(mutated(valid), Arbitraries.bytes().array(byte[].class).ofMaxSize(200), Arbitraries.just(valid));
    }

    // ---------------------------------------------------------------- the James envelope JSON

    @Provide
    Arbitrary<byte[]> jsonFiles() {
        Arbitrary<byte[]> tokens = Arbitraries.of("{", "}", "[", "]", ",", ":", "\"recipients\"", "\"attributes\"", "\"address\"", "\"a@b\"",
                        "1", "-0.5e999", "null", "true", "\"format\"", "\"jexim-queuefile\"", "\"version\"", "\"\\u0000\"", "\"\\ud800\"", " ")
                .list().ofMaxSize(200).map(l -> String.join("", l).getBytes(StandardCharsets.UTF_8));
        return Arbitraries.oneOf(mutated(validJson()), tokens, Arbitraries.bytes().array(byte[].class).ofMaxSize(300));
    }

    @Property(tries = 1500)
    void anyJsonEnvelopeIsDecodedOrRefused(@ForAll("jsonFiles") byte[] j) {
        parseJson(j);
    }

    // ---------------------------------------------------------------- the message the Exim writer splits, and round trips

    @Provide
    Arbitrary<byte[]> messages() {
        Arbitrary<String> name = Arbitraries.strings().withCharRange('A', 'Z').withChars("-xyz").ofMinLength(1).ofMaxLength(12);
        Arbitrary<String> value = Arbitraries.strings().withCharRange(' ', '~').withChars("\u00e9\t").ofMaxLength(60);
        Arbitrary<String> field = Combinators.combine(name, value, Arbitraries.integers().between(0, 2))
                .as((n, v, folds) -> n + ": " + v + "\r\n" + "\t folded\r\n".repeat(folds));
        Arbitrary<String> body = Arbitraries.strings().withCharRange(' ', '~').withChars("\u00e9\t.").ofMaxLength(80)
                .list().ofMaxSize(20).map(l -> l.stream().map(x -> x + "\r\n").collect(Collectors.joining()));
        return Combinators.combine(field.list().ofMinSize(1).ofMaxSize(30), body)
                .as((fs, b) -> (String.join("", fs) + "\r\n" + b).getBytes(StandardCharsets.UTF_8));
    }

    @Property(tries = 500)
    void aWellFormedMessageSurvivesTheEximFormatByteForByte(@ForAll("messages") byte[] raw) throws IOException {
        EximSpoolCodec codec = new EximSpoolCodec();
        EximSpoolCodec.Pair p = codec.encode(new SpooledMessage(null, Messages.envelope(), raw), ID, "root", 0, 0);
        EximHeaderFile h = EximHeaderFile.parse(p.header().toBytes(), ID);
        SpooledMessage back = codec.decode(h, p.dataFile());
        assertThat(back.content()).isEqualTo(raw);
        assertThat(back.envelope().recipients()).isEqualTo(Messages.envelope().recipients());
    }

    @Property(tries = 500)
    void anyBytesAreSplitIntoHeadersWithoutError(@ForAll("hFiles") byte[] raw) {
        List<EximHeaderFile.Header> out = new ArrayList<>();
        int body = EximSpoolCodec.splitHeaders(raw, out);
        assertThat(body).isBetween(0, raw.length);
        byte[] lf = EximSpoolCodec.crlfToLf(raw, 0);
        java.io.ByteArrayOutputStream crlf = new java.io.ByteArrayOutputStream();
        EximSpoolCodec.lfToCrlf(lf, 0, lf.length, crlf);
        assertThat(crlf.size()).isGreaterThanOrEqualTo(lf.length);
    }

    // ---------------------------------------------------------------- the requeuer over mutated pairs

    @Property(tries = 150)
    void theRequeuerPutsEveryMutatedPairSomewhereAndLosesNothing(@ForAll("hFiles") byte[] h, @ForAll("dFiles") byte[] d, @ForAll("jsonFiles") byte[] j)
            throws Exception {
        Path dir = Files.createTempDirectory("jexim-fuzz");
        try {
            requeueMutated(dir, h, d, j);
        } finally {
            try (Stream<Path> s = Files.walk(dir)) {
                s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static void requeueMutated(Path dir, byte[] h, byte[] d, byte[] j) throws Exception {
        Path ex = Files.createDirectories(dir.resolve("exim"));
        Files.write(ex.resolve(ID + "-D"), d);
        Files.write(ex.resolve(ID + "-H"), h);
        Path jm = Files.createDirectories(dir.resolve("james"));
        byte[] eml = Messages.raw("fuzz", "b\r\n");
        Files.write(jm.resolve("id-1.eml"), eml);
        Files.write(jm.resolve("id-1.json"), j);
        for (Object[] c : new Object[][] {{ex, SpoolFormat.EXIM, ID}, {jm, SpoolFormat.JAMES, "id-1"}}) {
            Path in = (Path) c[0];
            SpoolFormat format = (SpoolFormat) c[1];
            String id = (String) c[2];
            TestSink sink = new TestSink();
            Requeuer r = Requeuer.create(in, "fuzz", format, sink, true, Duration.ZERO, Clock.systemUTC());
            Requeuer.Result res = r.runOnce();
            boolean requeued = res.requeued().contains(id);
            boolean failed = res.failed().containsKey(id);
            assertThat(requeued ^ failed).as(res.toString()).isTrue();
            assertThat(res.retrying()).isEmpty();
            Path where = in.resolve(requeued ? Requeuer.DONE : Requeuer.FAILED);
            assertThat(where.resolve(SpoolDirectory.commitFileName(format, id))).exists();
            assertThat(where.resolve(SpoolDirectory.dataFileName(format, id))).exists();
            if (failed) {
                assertThat(Files.readString(where.resolve(id + ".error"))).isNotBlank();
            }
            assertThat(r.runOnce().requeued()).isEmpty();
        }
    }

    // ---------------------------------------------------------------- large inputs

    @Property(tries = 4)
    void megabytesOfHeaderAreParsedInOnePass(@ForAll("megabytes") int size) {
        String text = "X-Big: " + "a".repeat(size) + "\n";
        String h = ID + "-H\nroot 0 0\n<a@b.example>\n1795629033 0\n-body_linecount 0\nXX\n1\nbob@test.example\n\n" + text.length() + "  " + text;
        assertTimeoutPreemptively(HANG, () -> {
            EximHeaderFile f = EximHeaderFile.parse(h.getBytes(StandardCharsets.ISO_8859_1), ID);
            assertThat(f.headers()).hasSize(1);
            SpooledMessage m = new EximSpoolCodec().decode(f, (ID + "-D\n").getBytes(StandardCharsets.US_ASCII));
            assertThat(m.content().length).isGreaterThan(size);
        });
    }

    @Provide
    Arbitrary<Integer> megabytes() {
        return Arbitraries.integers().between(1 << 20, 12 << 20);
    }

    @Example
    void aMillionRecipientLinesAreRefused() {
        StringBuilder lines = new StringBuilder(30_000_000);
        for (int i = 0; i < 1_000_000; i++) {
            lines.append("r").append(i).append("@test.example\n");
        }
        byte[] claimed = (ID + "-H\nroot 0 0\n<a@b.example>\n1795629033 0\nXX\n1000000\n" + lines + "\n").getBytes(StandardCharsets.ISO_8859_1);
        byte[] lying = (ID + "-H\nroot 0 0\n<a@b.example>\n1795629033 0\nXX\n16384\n" + lines + "\n").getBytes(StandardCharsets.ISO_8859_1);
        assertTimeoutPreemptively(HANG, () -> {
            for (byte[] h : List.of(claimed, lying)) {
                org.assertj.core.api.Assertions.assertThatThrownBy(() -> EximHeaderFile.parse(h, ID)).isInstanceOf(SpoolFormatException.class)
                        .hasMessageMatching(".*(more than the envelope limit|out of range 0..16384|expected the empty line).*");
            }
            // within the file size cap: counted, then refused at the line after the 16384th
            byte[] cut = Arrays.copyOf(lying, SpoolLimits.MAX_ENVELOPE_BYTES);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> EximHeaderFile.parse(cut, ID)).isInstanceOf(SpoolFormatException.class)
                    .hasMessageContaining("expected the empty line");
        });
    }

    @Example
    void tenMegabytesOfJsonAreDecodedOrRefused() {
        String json = new String(validJson(), StandardCharsets.UTF_8);
        String bigValue = json.replace("\"attributes\":{", "\"attributes\":{\"big\":{\"serializer\":\"StringSerializer\",\"value\":\"" + "v".repeat(10 << 20) + "\"},");
        StringBuilder r = new StringBuilder();
        for (int i = 0; i < 400_000; i++) {
            r.append(i == 0 ? "" : ",").append("{\"address\":\"r").append(i).append("@t.example\"}");
        }
        String manyRecipients = json.replaceFirst("\"recipients\":\\[", "\"recipients\":[" + r + ",");
        String deep = json.replace("\"attributes\":{", "\"attributes\":{\"deep\":" + "[".repeat(5 << 20) + "]".repeat(5 << 20) + ",");
        String number = json.replace("\"remotePort\":0", "\"remotePort\":" + "7".repeat(10 << 20));
        assertTimeoutPreemptively(HANG, () -> {
            JamesEnvelopeCodec codec = new JamesEnvelopeCodec();
            assertThat(codec.decode(bigValue.getBytes(StandardCharsets.UTF_8), "big").envelope().attributes()).containsKey("big");
            for (String refused : List.of(manyRecipients, deep, number)) {
                org.assertj.core.api.Assertions.assertThatThrownBy(() -> codec.decode(refused.getBytes(StandardCharsets.UTF_8), "j"))
                        .isInstanceOf(SpoolFormatException.class)
                        .hasMessageMatching(".*(more than 16384 recipients|nested deeper than 64|number of more than 100).*");
            }
            byte[] tooBig = new byte[SpoolLimits.MAX_ENVELOPE_BYTES + 1];
            Arrays.fill(tooBig, (byte) ' ');
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> codec.decode(tooBig, "j")).hasMessageContaining("more than the envelope limit");
        });
    }
}
