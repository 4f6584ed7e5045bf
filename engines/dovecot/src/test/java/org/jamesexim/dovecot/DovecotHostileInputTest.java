package org.jamesexim.dovecot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import org.jamesexim.common.Endpoint;
import org.jamesexim.dovecot.testing.FakeAuthServer;
import org.junit.jupiter.api.Test;

/**
 * What a hostile peer on {@code server_socket} (or a Dovecot gone wrong) can do to the auth client: trickle bytes so
 * that no socket read ever times out, send endless handshakes, lines with thousands of fields, or garbage. Every
 * case ends as a temporary failure within {@code connect_timeout + timeout}, never a hang, an unexpected exception or
 * the password in a message. Linearity of the line reader: the JMH benchmark {@code HostileInputBenchmark}.
 */
class DovecotHostileInputTest {
    private static final String SECRET = "Trickle-Pa55-never-logged";

    private static DovecotAuthClient client(FakeAuthServer server, Duration timeout) {
        return new DovecotAuthClient(DovecotAuthConfig.builder(Endpoint.parse(server.inetSocket()))
            .connectTimeout(Duration.ofSeconds(1)).timeout(timeout).poolSize(1)
            .backoff(Duration.ofMillis(1), Duration.ofMillis(1)).build());
    }

    private static long timed(Runnable r) {
        long t0 = System.nanoTime();
        r.run();
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    }

    private static void trickle(FakeAuthServer.Conn conn, String text) throws IOException {
        for (char c : text.toCharArray()) {
            conn.send(String.valueOf(c));
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Before: the handshake line was read to its end whatever the deadline; one byte a second kept the caller for hours. */
    @Test
    void aHandshakeTrickledOneByteASecondEndsAtTheDeadline() throws Exception {
        try (FakeAuthServer server = new FakeAuthServer(conn -> trickle(conn, "VERSION\t1\t2" + "x".repeat(3600)));
             DovecotAuthClient c = client(server, Duration.ofSeconds(2))) {
            AuthResult[] r = new AuthResult[1];
            long ms = timed(() -> r[0] = c.authenticate(AuthRequest.plain("alice", SECRET)));
            assertThat(r[0].status()).isEqualTo(AuthResult.Status.TEMPFAIL);
            assertThat(r[0].reason()).contains("handshake").doesNotContain(SECRET);
            assertThat(ms).as("connect_timeout 1 s + timeout 2 s").isBetween(1800L, 3500L);
        }
    }

    /** Before: a reply trickled one byte a second kept the leader reading (and its caller waiting) past the deadline. */
    @Test
    void aReplyTrickledOneByteASecondEndsAtTheDeadline() throws Exception {
        try (FakeAuthServer server = new FakeAuthServer(conn -> {
            conn.handshake();
            String id = conn.readUntil("AUTH\t").split("\t")[1];
            trickle(conn, "OK\t" + id + "\tuser=alice" + "x".repeat(3600));
        }); DovecotAuthClient c = client(server, Duration.ofSeconds(2))) {
            AuthResult[] r = new AuthResult[1];
            long ms = timed(() -> r[0] = c.authenticate(AuthRequest.plain("alice", SECRET)));
            assertThat(r[0].status()).isEqualTo(AuthResult.Status.TEMPFAIL);
            assertThat(r[0].reason()).contains("no reply").doesNotContain(SECRET);
            assertThat(ms).isBetween(1800L, 3500L);
        }
    }

    /** Before: MECH lines were read without end (and kept) until the deadline, however many came. */
    @Test
    void endlessHandshakeLinesAreCapped() throws Exception {
        try (FakeAuthServer server = new FakeAuthServer(conn -> {
            conn.send("VERSION\t1\t2\n");
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < 200_000; i++) {
                b.append("MECH\tM").append(i).append("\n");
                if (b.length() > 64 * 1024) {
                    conn.send(b.toString());
                    b.setLength(0);
                }
            }
        }); DovecotAuthClient c = client(server, Duration.ofSeconds(20))) {
            AuthResult[] r = new AuthResult[1];
            long ms = timed(() -> r[0] = c.authenticate(AuthRequest.plain("alice", SECRET)));
            assertThat(r[0].status()).isEqualTo(AuthResult.Status.TEMPFAIL);
            assertThat(r[0].reason()).contains("more than " + DovecotConnection.MAX_MECHANISMS + " mechanisms");
            assertThat(ms).isLessThan(5000L);
        }
        try (FakeAuthServer server = new FakeAuthServer(conn -> {
            conn.send("VERSION\t1\t2\nMECH\tPLAIN\n" + "CUID\t1\n".repeat(DovecotConnection.MAX_HANDSHAKE_LINES + 5) + "DONE\n");
            conn.readLine();
        }); DovecotAuthClient c = client(server, Duration.ofSeconds(20))) {
            AuthResult r = c.authenticate(AuthRequest.plain("alice", SECRET));
            assertThat(r.reason()).contains("more than " + DovecotConnection.MAX_HANDSHAKE_LINES + " handshake lines");
        }
    }

    /** Before: any number of fields was split and put in a map. */
    @Test
    void aReplyWithTooManyFieldsDropsTheConnection() throws Exception {
        try (FakeAuthServer server = new FakeAuthServer(conn -> {
            conn.handshake();
            String id = conn.readUntil("AUTH\t").split("\t")[1];
            conn.send("OK\t" + id + "\tuser=alice" + "\tx=1".repeat(DovecotWire.MAX_FIELDS) + "\n");
            conn.readLine();
        }); DovecotAuthClient c = client(server, Duration.ofSeconds(5))) {
            AuthResult r = c.authenticate(AuthRequest.plain("alice", SECRET));
            assertThat(r.status()).isEqualTo(AuthResult.Status.TEMPFAIL);
            assertThat(r.reason()).contains("more than " + DovecotWire.MAX_FIELDS + " fields");
        }
        List<String> fields = DovecotWire.split("OK\t1" + "\tx".repeat(DovecotWire.MAX_FIELDS - 2));
        assertThat(fields).hasSize(DovecotWire.MAX_FIELDS);
    }

    /** Before: every request waited, however many were already waiting for the same stalled Dovecot. */
    @Test
    void requestsBeyondMaxPendingFailAtOnce() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (FakeAuthServer server = new FakeAuthServer(conn -> {
            conn.handshake();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                return;
            }
        }); DovecotAuthClient c = new DovecotAuthClient(DovecotAuthConfig.builder(Endpoint.parse(server.inetSocket()))
            .timeout(Duration.ofSeconds(20)).poolSize(1).maxPending(3).build())) {
            ExecutorService pool = Executors.newFixedThreadPool(3);
            try {
                List<Future<AuthResult>> waiting = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    waiting.add(pool.submit(() -> c.authenticate(AuthRequest.plain("alice", SECRET))));
                }
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (server.received().stream().filter(l -> l.startsWith("AUTH\t")).count() < 3 && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                AuthResult[] fourth = new AuthResult[1];
                long ms = timed(() -> fourth[0] = c.authenticate(AuthRequest.plain("bob", SECRET)));
                assertThat(fourth[0].status()).isEqualTo(AuthResult.Status.TEMPFAIL);
                assertThat(fourth[0].reason()).contains("max_pending");
                assertThat(ms).isLessThan(500L);
                assertThat(waiting).allSatisfy(f -> assertThat(f.isDone()).isFalse());
            } finally {
                release.countDown();
                pool.shutdownNow();
            }
        }
        assertThatThrownBy(() -> DovecotAuthConfig.builder(Endpoint.parse("127.0.0.1 1")).maxPending(0))
            .hasMessageContaining("max_pending");
    }

    @Provide
    Arbitrary<byte[]> lines() {
        Arbitrary<String> parts = Arbitraries.of("OK", "FAIL", "CONT", "VERSION", "MECH", "DONE", "\t", "\n", "\r\n", "1", "4294967296",
            "user=", "code=temp_fail", "\001", "\001t", "\u00ff", "\0", "resp=", "=", "x".repeat(100));
        Arbitrary<byte[]> soup = parts.list().ofMaxSize(300).map(l -> String.join("", l).getBytes(StandardCharsets.UTF_8));
        return Arbitraries.oneOf(soup, Arbitraries.bytes().array(byte[].class).ofMaxSize(2000));
    }

    /** The line reader, field splitter and parameter parser on any bytes: lines, or a protocol error / EOF. */
    @Property(tries = 1500)
    void theWireParsersAnswerOrRefuse(@ForAll("lines") byte[] input) throws Exception {
        DovecotWire.LineReader reader = new DovecotWire.LineReader(new ByteArrayInputStream(input), 512);
        try {
            for (int n = 0; n < 10_000; n++) {
                String line = reader.readLine(System.nanoTime() + TimeUnit.SECONDS.toNanos(5));
                assertThat(line.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(512 * 3);
                try {
                    List<String> f = DovecotWire.split(line);
                    assertThat(f.size()).isLessThanOrEqualTo(DovecotWire.MAX_FIELDS);
                    DovecotWire.params(f, 1);
                } catch (DovecotProtocolException tooManyFields) {
                    assertThat(tooManyFields.getMessage()).contains("fields");
                }
            }
        } catch (EOFException | DovecotProtocolException end) {
            assertThat(end.getMessage()).isNotNull();
        } catch (SocketTimeoutException notPossibleOnAnArray) {
            throw new AssertionError(notPossibleOnAnArray);
        }
    }

    /** Megabytes without a newline are refused at the line cap, after reading no more than the cap. */
    @Test
    void megabyteLinesAreRefusedAtTheCap() {
        byte[] big = new byte[8 * 1024 * 1024];
        java.util.Arrays.fill(big, (byte) 'x');
        CountingStream in = new CountingStream(big);
        DovecotWire.LineReader reader = new DovecotWire.LineReader(in, DovecotWire.MAX_SERVER_LINE);
        assertThatThrownBy(reader::readLine).isInstanceOf(DovecotProtocolException.class).hasMessageContaining("longer than");
        assertThat(in.read).as("bytes read before refusing").isLessThanOrEqualTo(DovecotWire.MAX_SERVER_LINE + 8192L);
    }

    static final class CountingStream extends ByteArrayInputStream {
        long read;

        CountingStream(byte[] b) {
            super(b);
        }

        @Override
        public synchronized int read(byte[] b, int off, int len) {
            int n = super.read(b, off, len);
            if (n > 0) {
                read += n;
            }
            return n;
        }
    }
}
