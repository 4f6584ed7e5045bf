package org.jamesexim.bmi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import org.junit.jupiter.api.Test;

/**
 * What a hostile or broken Rspamd (or whatever answers on its address) can send: the JSON body parser
 * ({@link RspamdResult#parse}) and the HTTP reply reader ({@link RspamdClient#readReply}) answer with a result or refuse
 * with the protocol's failure (IllegalArgumentException / IOException, i.e. a failed scan), never anything else, for
 * random and mutated input and for inputs of megabytes; each limit is enforced. Linearity: the JMH benchmark
 * {@code HostileInputBenchmark} (BENCHMARKS.md).
 */
class BmiHostileInputTest {
    static final String VALID = "{\"is_skipped\":false,\"score\":9.3,\"required_score\":15.0,\"action\":\"add header\","
        + "\"symbols\":{\"SUBJ_ALL_CAPS\":{\"name\":\"SUBJ_ALL_CAPS\",\"score\":2.6,\"options\":[\"35\"]},"
        + "\"MISSING_MID\":{\"name\":\"MISSING_MID\",\"score\":2.5}},\"messages\":{\"smtp_message\":\"hi\"},"
        + "\"urls\":[\"192.0.2.55\"],\"milter\":{\"remove_headers\":{\"X-Spam\":0}},\"message-id\":\"undef\"}";

    static String http(String body) {
        return "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + body.getBytes(StandardCharsets.UTF_8).length
            + "\r\n\r\n" + body;
    }

    static RspamdResult read(byte[] reply) throws IOException {
        return RspamdClient.readReply(new ByteArrayInputStream(reply), () -> { });
    }

    @Test
    void aRealReplyIsRead() throws Exception {
        RspamdResult r = read(http(VALID).getBytes(StandardCharsets.UTF_8));
        assertThat(r.action()).isEqualTo("add header");
        assertThat(r.score()).isEqualTo(9.3);
        assertThat(r.symbols()).containsOnlyKeys("SUBJ_ALL_CAPS", "MISSING_MID");
        assertThat(r.symbols().get("SUBJ_ALL_CAPS")).isEqualTo(2.6);
        assertThat(r.smtpMessage()).isEqualTo("hi");
    }

    /** Before: Jackson's readTree built the whole tree: 4 million levels in 8 MB ran out of memory (an Error). */
    @Test
    void deepNestingIsRefusedAtTheDepthLimit() {
        int n = 2_000_000;
        StringBuilder sb = new StringBuilder("{\"action\":\"no action\",\"x\":");
        sb.append("[".repeat(n)).append("]".repeat(n)).append('}');
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> RspamdResult.parse(sb.toString().getBytes(StandardCharsets.US_ASCII)))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("deeper than " + RspamdResult.MAX_DEPTH);
        assertThat(System.nanoTime() - t0).as("refused at once, not after reading 4 MB").isLessThan(2_000_000_000L);
        String ok = "{\"action\":\"no action\",\"x\":" + "[".repeat(RspamdResult.MAX_DEPTH - 1) + "]".repeat(RspamdResult.MAX_DEPTH - 1) + "}";
        assertThat(RspamdResult.parse(ok.getBytes(StandardCharsets.US_ASCII)).action()).isEqualTo("no action");
        String deep = "{\"action\":\"no action\",\"x\":" + "[".repeat(RspamdResult.MAX_DEPTH) + "]".repeat(RspamdResult.MAX_DEPTH) + "}";
        assertThatThrownBy(() -> RspamdResult.parse(deep.getBytes(StandardCharsets.US_ASCII))).hasMessageContaining("deeper");
    }

    /** Before: any number of symbols, of any name, went into the verdict (and its header). */
    @Test
    void symbolCountAndNamesAreCapped() {
        StringBuilder many = new StringBuilder("{\"action\":\"reject\",\"symbols\":{");
        for (int i = 0; i <= RspamdResult.MAX_SYMBOLS; i++) {
            many.append(i == 0 ? "" : ",").append("\"S").append(i).append("\":{\"score\":1}");
        }
        many.append("}}");
        assertThatThrownBy(() -> RspamdResult.parse(many.toString().getBytes(StandardCharsets.US_ASCII)))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("more than " + RspamdResult.MAX_SYMBOLS + " symbols");
        String exact = many.toString().replace(",\"S" + RspamdResult.MAX_SYMBOLS + "\":{\"score\":1}", "");
        assertThat(RspamdResult.parse(exact.getBytes(StandardCharsets.US_ASCII)).symbols()).hasSize(RspamdResult.MAX_SYMBOLS);
        for (String bad : List.of("A\\r\\nX-Injected: 1", "x".repeat(RspamdResult.MAX_NAME + 1), "", "\\u00e9t\\u00e9", "A B")) {
            assertThatThrownBy(() -> RspamdResult.parse(("{\"action\":\"reject\",\"symbols\":{\"" + bad + "\":{}}}")
                .getBytes(StandardCharsets.UTF_8))).as(bad).hasMessageContaining("not a Rspamd symbol");
        }
        assertThatThrownBy(() -> RspamdResult.parse(("{\"action\":\"" + "a".repeat(RspamdResult.MAX_NAME + 1) + "\"}")
            .getBytes(StandardCharsets.US_ASCII))).hasMessageContaining("action longer");
    }

    @Test
    void megabytesOfIgnoredFieldsAreReadOnceAndOverCapRepliesRefused() throws Exception {
        StringBuilder urls = new StringBuilder("{\"action\":\"no action\",\"urls\":[");
        while (urls.length() < 3_000_000) {
            urls.append("\"http://192.0.2.1/").append(urls.length()).append("\",");
        }
        urls.append("\"x\"]}");
        assertThat(read(http(urls.toString()).getBytes(StandardCharsets.US_ASCII)).action()).isEqualTo("no action");
        String huge = "{\"action\":\"no action\",\"pad\":\"" + "x".repeat(RspamdClient.MAX_REPLY) + "\"}";
        assertThatThrownBy(() -> read(http(huge).getBytes(StandardCharsets.US_ASCII)))
            .isInstanceOf(IOException.class).hasMessageContaining("too large");
        String chunked = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + ("100000\r\n" + "x".repeat(0x100000) + "\r\n").repeat(5) + "0\r\n\r\n";
        assertThatThrownBy(() -> read(chunked.getBytes(StandardCharsets.US_ASCII)))
            .isInstanceOf(IOException.class).hasMessageContaining("larger than " + RspamdClient.MAX_REPLY);
    }

    /** Before: any number of header lines was read. */
    @Test
    void headerLinesAreCapped() throws Exception {
        String many = "HTTP/1.1 200 OK\r\n" + "X-A: b\r\n".repeat(RspamdClient.MAX_HEADER_LINES) + "Content-Length: 22\r\n\r\n{\"action\":\"no action\"}";
        assertThatThrownBy(() -> read(many.getBytes(StandardCharsets.US_ASCII)))
            .isInstanceOf(IOException.class).hasMessageContaining("more than " + RspamdClient.MAX_HEADER_LINES + " header lines");
        String fewer = "HTTP/1.1 200 OK\r\n" + "X-A: b\r\n".repeat(RspamdClient.MAX_HEADER_LINES - 1) + "Content-Length: 22\r\n\r\n{\"action\":\"no action\"}";
        assertThat(read(fewer.getBytes(StandardCharsets.US_ASCII)).action()).isEqualTo("no action");
        String longLine = "HTTP/1.1 200 OK\r\nX-A: " + "b".repeat(RspamdClient.MAX_HEADER_LINE) + "\r\n\r\n";
        assertThatThrownBy(() -> read(longLine.getBytes(StandardCharsets.US_ASCII))).hasMessageContaining("longer than");
    }

    /** The header form of a verdict names no recipient; the spool form keeps them for routing. */
    @Test
    void theHeaderFormOfAVerdictNamesNoRecipient() {
        BmiVerdict v = BmiVerdict.builder().outcome(BmiOutcome.DELIVER_DEFAULT).action("no action")
            .recipient("alice@example.test").recipient("hidden-bcc@remote.example").build();
        String header = new String(Base64.getDecoder().decode(v.headerBase64()), StandardCharsets.UTF_8);
        assertThat(header).doesNotContain("alice", "hidden-bcc", "rcpt");
        assertThat(BmiRouting.of(java.util.Optional.of(v)).base64Verdict()).isEqualTo(v.headerBase64());
        BmiVerdict back = BmiVerdict.decodeHeader(v.headerBase64());
        assertThat(back.recipients()).isEmpty();
        assertThat(back.action()).isEqualTo("no action");
        assertThat(BmiVerdict.decode(v.base64()).recipients()).containsExactly("alice@example.test", "hidden-bcc@remote.example");
    }

    @Provide
    Arbitrary<byte[]> jsonish() {
        Arbitrary<String> tokens = Arbitraries.of("{", "}", "[", "]", ",", ":", "\"action\"", "\"symbols\"", "\"score\"", "\"no action\"",
            "\"reject\"", "1e309", "-0", "true", "null", "\"\\u0000\"", "\"\\ud800\"", "\"S\"", "\"messages\"", "\"smtp_message\"",
            "\"error\"", " ", "\u00ff", "\"", "\\", "12345678901234567890123");
        Arbitrary<String> soup = tokens.list().ofMaxSize(200).map(l -> String.join("", l));
        Arbitrary<String> mutated = Combinators.combine(Arbitraries.integers().between(0, VALID.length() - 1),
            Arbitraries.integers().between(0, 2), tokens)
            .as((pos, how, t) -> how == 0 ? VALID.substring(0, pos) : how == 1 ? VALID.substring(0, pos) + t + VALID.substring(pos)
                : VALID.substring(0, pos) + VALID.substring(Math.min(VALID.length(), pos + t.length())));
        Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(400);
        return Arbitraries.oneOf(soup.map(s -> s.getBytes(StandardCharsets.UTF_8)), mutated.map(s -> s.getBytes(StandardCharsets.UTF_8)),
            random);
    }

    @Property(tries = 1500)
    void theBodyParserAnswersOrRefusesNothingElse(@ForAll("jsonish") byte[] body) {
        try {
            RspamdResult r = RspamdResult.parse(body);
            assertThat(r.action()).isNotEmpty().hasSizeLessThanOrEqualTo(RspamdResult.MAX_NAME);
            assertThat(r.symbols().size()).isLessThanOrEqualTo(RspamdResult.MAX_SYMBOLS);
            assertThat(r.smtpMessage()).matches("[ -~]*");
        } catch (IllegalArgumentException refused) {
            assertThat(refused.getMessage()).isNotNull();
        }
    }

    @Provide
    Arbitrary<byte[]> replies() {
        Arbitrary<String> status = Arbitraries.of("HTTP/1.1 200 OK", "HTTP/1.0 200", "HTTP/1.1 500 x", "HTTP/1.1 abc", "SPAMD/1.1 0 EX_OK", "", "HTTP/1.1");
        Arbitrary<String> header = Arbitraries.of("Content-Length: 10", "Content-Length: -1", "Content-Length: 99999999999", "Content-Length: x",
            "Transfer-Encoding: chunked", "Connection: close", "X", ": y", "Content-Length: 0");
        Arbitrary<String> body = Arbitraries.oneOf(Arbitraries.just(VALID), jsonish().map(b -> new String(b, StandardCharsets.ISO_8859_1)),
            Arbitraries.of("5\r\n{\"act\r\n0\r\n\r\n", "zz\r\n", "ffffffff\r\nx", "3;ext\r\n{}}\r\n0\r\n\r\n"));
        return Combinators.combine(status, header.list().ofMaxSize(5), Arbitraries.of("\r\n", "\n", "\r"), body)
            .as((s, h, eol, b) -> (s + eol + String.join(eol, h) + eol + eol + b).getBytes(StandardCharsets.ISO_8859_1));
    }

    @Property(tries = 1500)
    void theReplyReaderAnswersOrRefusesNothingElse(@ForAll("replies") byte[] reply) {
        try {
            assertThat(read(reply).action()).isNotEmpty();
        } catch (IOException refused) {
            assertThat(refused.getMessage()).isNotNull();
        }
    }
}
