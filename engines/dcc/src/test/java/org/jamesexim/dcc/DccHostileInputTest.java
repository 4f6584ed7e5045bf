package org.jamesexim.dcc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

import org.jamesexim.common.Endpoint;
import org.jamesexim.dcc.DccResult.Outcome;
import org.junit.jupiter.api.Test;

/**
 * What a hostile or broken dccifd (or whatever listens on {@code dccifd_address}) can send: its reply becomes a
 * header of the mail, so it is cleaned and capped; any bytes give a result of the protocol (accept, fail, defer),
 * never an exception; a reply trickled one byte a second, or a connect that hangs, ends at the one deadline of the
 * check. Linearity of the parser: the JMH benchmark {@code HostileInputBenchmark}.
 */
class DccHostileInputTest {
    static DccResult parse(String s, int rcpts) {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        return DccReplyParser.parse(b, b.length, rcpts);
    }

    /** Before: a CR, NUL or 8-bit byte inside the header went into the mail's X-DCC header as it was. */
    @Test
    void controlAnd8BitBytesInTheHeaderBecomeQuestionMarks() {
        DccResult r = parse("A\nA\nX-DCC-X-Metrics: h 1; Body=1\rX-Evil: 1\u0000\u00e9\n\tFuz1=2\n\n", 1);
        assertThat(r.dccHeader()).isEqualTo("X-DCC-X-Metrics: h 1; Body=1?X-Evil: 1??\n\tFuz1=2\n");
        assertThat(r.headerValue()).doesNotContain("\r\nX-Evil").matches("[\\t\\r\\n -~]*");
    }

    /** Before: a header of any length (up to the 64 KiB reply) and any name starting X-DCC was added to the mail. */
    @Test
    void longOrMisnamedHeadersAreDropped() {
        String many = "A\nA\nX-DCC-X-Metrics: h 1; Body=1\n" + "\tFuz1=2\n".repeat(DccReplyParser.MAX_HEADER_LINES) + "\n";
        DccResult r = parse(many, 1);
        assertThat(r.dccHeader()).isEmpty();
        assertThat(r.outcome()).isEqualTo(Outcome.ACCEPT);
        assertThat(r.detail()).contains("X-DCC header dropped");
        String fits = "A\nA\nX-DCC-X-Metrics: h 1; Body=1\n" + "\tFuz1=2\n".repeat(DccReplyParser.MAX_HEADER_LINES - 1) + "\n";
        assertThat(parse(fits, 1).dccHeader()).isNotEmpty();
        assertThat(parse("A\nA\nX-DCC-X-Metrics: " + "x".repeat(DccReplyParser.MAX_HEADER) + "\n\n", 1).dccHeader()).isEmpty();
        assertThat(parse("A\nA\nX-DCC: not ours\n\n", 1).dccHeader()).isEmpty();
        assertThat(parse("A\nA\nX-DCC-a b-Metrics: x\n\n", 1).dccHeader()).isEmpty();
        assertThat(parse("A\nA\nX-DCC--Metrics: h; whitelist\n\n", 1).headerName()).isEqualTo("X-DCC--Metrics");
    }

    @Test
    void theChecksumTableIsCapped() {
        String table = ("x".repeat(1000) + "\n").repeat(500);
        DccResult r = parse("A\nA\nX-DCC-X-Metrics: h 1; Body=1\n" + table + "\n", 1);
        assertThat(r.checksums().split("\n")).hasSize(DccReplyParser.MAX_CHECKSUM_LINES)
            .allSatisfy(l -> assertThat(l).hasSize(DccReplyParser.MAX_LINE));
    }

    @Provide
    Arbitrary<byte[]> replies() {
        Arbitrary<String> parts = Arbitraries.of("A", "R", "G", "S", "T", "X", "\n", "\r\n", "\r", "\t", "AR", "X-DCC-", "X-DCC-x-Metrics: ",
            "-Metrics", ":", " ", "\u0000", "\u00ff", "Body=many", "reported: 1", "x".repeat(300));
        Arbitrary<byte[]> soup = parts.list().ofMaxSize(300).map(l -> String.join("", l).getBytes(StandardCharsets.ISO_8859_1));
        return Arbitraries.oneOf(soup, Arbitraries.bytes().array(byte[].class).ofMaxSize(3000));
    }

    @Property(tries = 2000)
    void anyReplyGivesAResultOfTheProtocol(@ForAll("replies") byte[] reply, @ForAll @IntRange(min = 0, max = 5) int rcpts) {
        DccResult r = DccReplyParser.parse(reply, reply.length, rcpts);
        assertThat(r.outcome()).isNotNull();
        assertThat(r.dccResult()).isIn("", "A", "R", "G", "T");
        assertThat(r.dccHeader().length()).isLessThanOrEqualTo(DccReplyParser.MAX_HEADER + 1);
        assertThat(r.dccHeader()).matches("[\\t\\n -~]*");
        if (!r.dccHeader().isEmpty()) {
            assertThat(r.headerName()).matches("X-DCC-[!-9;-~]*-Metrics");
            // what goes into the mail: every line after the first is a TAB continuation, so no field can be added
            assertThat(r.headerValue().split("\r\n", -1)).satisfies(lines -> {
                for (int i = 1; i < lines.length; i++) {
                    assertThat(lines[i]).startsWith("\t");
                }
            });
        }
        assertThat(r.checksums().split("\n").length).isLessThanOrEqualTo(DccReplyParser.MAX_CHECKSUM_LINES + 1);
    }

    @Test
    void aMegabyteReplyIsReadUpToTheCapAndParsed() throws Exception {
        byte[] big = ("A\nA\nX-DCC-X-Metrics: h 1; Body=1\n" + ("\t" + "y".repeat(70) + "\n").repeat(40_000)).getBytes(StandardCharsets.US_ASCII);
        try (Peer peer = new Peer(out -> out.write(big))) {
            DccResult r = client(peer, Duration.ofSeconds(5), Duration.ofSeconds(10)).check(request(), out -> out.write('x'));
            assertThat(r.outcome()).isEqualTo(Outcome.ACCEPT);
            assertThat(r.dccHeader()).isEmpty();
        }
    }

    /** A reply trickled one byte a second: each read gets its byte in time; the deadline of the whole check ends it. */
    @Test
    void aTrickledReplyEndsAtTheDeadline() throws Exception {
        try (Peer peer = new Peer(out -> {
            for (char c : "A\nA\nX-DCC-X-Metrics: h 1; Body=1 Fuz1=1 Fuz2=1\n\n".toCharArray()) {
                out.write(c);
                out.flush();
                sleep(1000);
            }
        })) {
            long t0 = System.nanoTime();
            DccResult r = client(peer, Duration.ofSeconds(1), Duration.ofMillis(2500)).check(request(), out -> out.write('x'));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertThat(r.outcome()).isEqualTo(Outcome.DEFER);
            assertThat(ms).isBetween(2400L, 3500L);
        }
    }

    /**
     * A dccifd whose listen queue is full (it stopped accepting): the connect hangs. Before: the connect had its
     * own 5 s on top of the 2 s for the exchange; now the one deadline of 2 s covers it.
     */
    @Test
    void aHangingConnectCountsAgainstTheOneDeadline() throws Exception {
        try (ServerSocket full = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            List<Socket> fillers = new ArrayList<>();
            try {
                // fill the accept queue (backlog 1: two or three connects complete, then SYNs are dropped)
                for (int i = 0; i < 8; i++) {
                    Socket s = new Socket();
                    try {
                        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), full.getLocalPort()), 300);
                        fillers.add(s);
                    } catch (IOException queueFull) {
                        s.close();
                        break;
                    }
                }
                DccClient c = new DccClient(DccSettings.builder().address(Endpoint.tcp("127.0.0.1", full.getLocalPort()))
                    .connectTimeout(Duration.ofSeconds(5)).timeout(Duration.ofSeconds(2)).build());
                try {
                    long t0 = System.nanoTime();
                    DccResult r = c.check(request(), out -> out.write('x'));
                    long ms = (System.nanoTime() - t0) / 1_000_000;
                    assertThat(r.outcome()).isEqualTo(Outcome.DEFER);
                    assertThat(ms).as(r.detail()).isLessThan(3200L);
                } finally {
                    c.close();
                }
            } finally {
                for (Socket s : fillers) {
                    s.close();
                }
            }
        }
    }

    static DccClient client(Peer peer, Duration connect, Duration timeout) {
        return new DccClient(DccSettings.builder().address(Endpoint.tcp("127.0.0.1", peer.port())).connectTimeout(connect).timeout(timeout).build());
    }

    static DccRequest request() {
        return DccRequest.builder().clientIp("192.0.2.10").helo("h").sender("a@example.org").recipient("b@example.org").build();
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    interface Answer {
        void write(OutputStream out) throws IOException;
    }

    /** Reads a request to EOF, then answers with the script (not the simulator: a peer that is no dccifd). */
    static final class Peer implements AutoCloseable {
        private final ServerSocket socket;

        Peer(Answer answer) throws IOException {
            socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread t = new Thread(() -> {
                while (!socket.isClosed()) {
                    try (Socket c = socket.accept()) {
                        InputStream in = c.getInputStream();
                        byte[] buf = new byte[8192];
                        while (in.read(buf) >= 0) {
                            // the request, to its half-close
                        }
                        answer.write(c.getOutputStream());
                    } catch (IOException e) {
                        if (socket.isClosed()) {
                            return;
                        }
                    }
                }
            }, "dcc-hostile-peer");
            t.setDaemon(true);
            t.start();
        }

        int port() {
            return socket.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
