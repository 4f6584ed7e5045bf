package org.jamesexim.bmi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import org.jamesexim.common.Endpoint;
import org.junit.jupiter.api.Test;

/**
 * One deadline per scanned message ({@code scan_timeout}), against an Rspamd stand-in that trickles its replies
 * one byte per second: every read gets a byte well within the socket timeout and each request within its own
 * {@code timeout}, so only the per-message deadline can end the scan.
 */
class RspamdDeadlineTest {

    /**
     * Three opt-in profiles make three requests; each reply is trickled so that it takes about 2 s (under the 2.5 s
     * per-request timeout). Before: the scan took about 6 s and succeeded (one timeout per request); now the 3 s
     * deadline for the whole message ends it.
     */
    @Test
    void threeSlowButTimelyRequestsHitTheScanDeadline() throws Exception {
        try (Trickler server = new Trickler(2)) {
            try (RspamdEngine e = RspamdEngine.builder(Endpoint.tcp("127.0.0.1", server.port()))
                .timeout(Duration.ofMillis(2500)).scanTimeout(Duration.ofSeconds(3)).build()) {
                BmiMessage m = BmiMessage.builder().clientIp("192.0.2.1").content("Subject: x\r\n\r\nx\r\n".getBytes(StandardCharsets.US_ASCII))
                    .recipient("a@example.test", BmiOptin.none()).recipient("b@example.test", BmiOptin.parse("strict"))
                    .recipient("c@example.test", BmiOptin.parse("lenient")).build();
                long t0 = System.nanoTime();
                assertThatThrownBy(() -> e.scan(m)).isInstanceOf(BmiEngineException.class).hasMessageContaining("scan_timeout of 3000 ms");
                long ms = (System.nanoTime() - t0) / 1_000_000;
                assertThat(ms).as("the scan ends at its deadline").isBetween(2900L, 4200L);
                assertThat(server.connections.get()).isEqualTo(2);
            }
        }
    }

    /** A reply that never ends (one byte a second, forever) is cut at the per-request timeout. */
    @Test
    void anEndlessTrickleIsCutAtTheDeadline() throws Exception {
        try (Trickler server = new Trickler(Integer.MAX_VALUE)) {
            try (RspamdEngine e = RspamdEngine.builder(Endpoint.tcp("127.0.0.1", server.port()))
                .timeout(Duration.ofSeconds(60)).scanTimeout(Duration.ofMillis(2500)).build()) {
                long t0 = System.nanoTime();
                assertThatThrownBy(() -> e.scan(BmiMessage.builder().content(new byte[] {'x'}).recipient("a@example.test", null).build()))
                    .isInstanceOf(BmiEngineException.class);
                assertThat((System.nanoTime() - t0) / 1_000_000).isBetween(2400L, 3800L);
            }
        }
    }

    /** Reads a request, then writes a valid reply: {@code slowBytes} single bytes one second apart, then the rest at once. */
    static final class Trickler implements AutoCloseable {
        static final String BODY = "{\"action\":\"no action\",\"score\":0}";
        static final byte[] REPLY = ("HTTP/1.1 200 OK\r\nContent-Length: " + BODY.length() + "\r\n\r\n" + BODY).getBytes(StandardCharsets.US_ASCII);
        final AtomicInteger connections = new AtomicInteger();
        private final ServerSocket socket;

        Trickler(int slowBytes) throws IOException {
            socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread t = new Thread(() -> {
                while (!socket.isClosed()) {
                    try {
                        Socket c = socket.accept();
                        connections.incrementAndGet();
                        Thread h = new Thread(() -> serve(c, slowBytes), "rspamd-trickler");
                        h.setDaemon(true);
                        h.start();
                    } catch (IOException e) {
                        return;
                    }
                }
            }, "rspamd-trickler-accept");
            t.setDaemon(true);
            t.start();
        }

        private static void serve(Socket c, int slowBytes) {
            try (c) {
                InputStream in = c.getInputStream();
                byte[] buf = new byte[8192];
                // the request ends with its 1-byte body after the blank line; read what comes in one go
                String req = "";
                while (!req.contains("\r\n\r\n")) {
                    int n = in.read(buf);
                    if (n < 0) {
                        return;
                    }
                    req += new String(buf, 0, n, StandardCharsets.ISO_8859_1);
                }
                OutputStream out = c.getOutputStream();
                int i = 0;
                for (long n = 0; n < slowBytes; n++) {
                    out.write(i < REPLY.length ? REPLY[i++] : ' ');
                    out.flush();
                    Thread.sleep(1000);
                }
                out.write(REPLY, i, REPLY.length - i);
                out.flush();
            } catch (IOException | InterruptedException e) {
                // the client gave up
            }
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
