package org.jamesexim.dovecot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

class DovecotWireTest {
    @Test
    void escapeRoundTrip() {
        String raw = "a\tb\nc\rd\001e\0f";
        String esc = DovecotWire.escape(raw);
        assertThat(esc).doesNotContain("\t", "\n", "\r", "\0");
        assertThat(esc).isEqualTo("a\001tb\001nc\001rd\0011e\0010f");
        assertThat(DovecotWire.unescape(esc)).isEqualTo(raw);
        assertThat(DovecotWire.escape("plain")).isSameAs("plain");
    }

    @Test
    void paramsAndFlags() throws Exception {
        List<String> f = DovecotWire.split("OK\t7\tuser=alice\tnologin\treason=a=b\t\toriginal_user=Alice");
        assertThat(DovecotWire.params(f, 2)).containsExactly(
            java.util.Map.entry("user", "alice"), java.util.Map.entry("nologin", ""),
            java.util.Map.entry("reason", "a=b"), java.util.Map.entry("original_user", "Alice"));
    }

    @Test
    void describeShowsOnlyTheCommandWord() {
        assertThat(DovecotWire.describe("FOO\tsecret-data")).isEqualTo("'FOO'").doesNotContain("secret");
        assertThat(DovecotWire.describe("\u0001x")).isEqualTo("'?x'");
    }

    @Test
    void lineReaderKeepsAPartialLineAcrossATimeout() throws IOException {
        // "VER" then a timeout, then "SION\t1\t2\n"
        InputStream in = new InputStream() {
            private int step;
            @Override
            public int read() {
                throw new UnsupportedOperationException();
            }
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                byte[] chunk;
                switch (step++) {
                    case 0: chunk = "VER".getBytes(StandardCharsets.US_ASCII); break;
                    case 1: throw new SocketTimeoutException("tick");
                    case 2: chunk = "SION\t1\t2\r\nDONE\n".getBytes(StandardCharsets.US_ASCII); break;
                    default: return -1;
                }
                System.arraycopy(chunk, 0, b, off, chunk.length);
                return chunk.length;
            }
        };
        DovecotWire.LineReader r = new DovecotWire.LineReader(in, 100);
        assertThatThrownBy(r::readLine).isInstanceOf(SocketTimeoutException.class);
        assertThat(r.readLine()).isEqualTo("VERSION\t1\t2");
        assertThat(r.readLine()).isEqualTo("DONE");
        assertThatThrownBy(r::readLine).hasMessageContaining("closed");
    }

    @Test
    void lineReaderRefusesOverlongLines() {
        DovecotWire.LineReader r = new DovecotWire.LineReader(new ByteArrayInputStream(new byte[300]), 100);
        assertThatThrownBy(r::readLine).isInstanceOf(DovecotProtocolException.class).hasMessageContaining("longer than 100");
    }

    @Test
    void requestFieldsAndSafeToString() {
        AuthRequest r = AuthRequest.plain("u", "topsecret").withNoPenalty(true).withValidClientCert(true).withSecured(true);
        assertThat(r.fieldsAfterId("smtp")).startsWith("PLAIN\tservice=smtp\tsecured\tvalid-client-cert\tno-penalty\tresp=");
        assertThat(r.toString()).doesNotContain("topsecret");
        assertThat(AuthRequest.of("X", new byte[0], ChallengeResponder.NONE).fieldsAfterId("smtp")).endsWith("\tresp==");
        assertThat(AuthRequest.login("u", "p").fieldsAfterId("smtp")).doesNotContain("resp");
        assertThatThrownBy(() -> AuthRequest.of("PL AIN", null, ChallengeResponder.NONE)).hasMessageContaining("PL AIN");
    }
}
