package org.jamesexim.bmi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import org.jamesexim.bmi.testing.RspamdFixture;
import org.jamesexim.common.Endpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The Rspamd engine against a real Rspamd (see {@link RspamdFixture}) and, for faults, against small fake servers. */
@ExtendWith(RspamdFixture.Extension.class)
class RspamdEngineTest {

    private static RspamdEngine engine(RspamdFixture rspamd) {
        return RspamdEngine.builder(Endpoint.parse(rspamd.endpoint()))
            .ruleIds(Map.of("BMI_TEST_MARKER", 5, "GTUBE", 11))
            .build();
    }

    private static BmiMessage.Builder msg(byte[] content) {
        return BmiMessage.builder().clientIp("192.0.2.10").clientHostname("mail.example.com").helo("mail.example.com")
            .sender("alice@example.com").queueId("Q1").content(content);
    }

    @Test
    void cleanMessageIsDeliveredNormally(RspamdFixture rspamd) throws Exception {
        try (RspamdEngine e = engine(rspamd)) {
            BmiVerdicts v = e.scan(msg(RspamdFixture.message("lunch", "Hello Bob, lunch at noon?")).recipient("bob@example.test", BmiOptin.none()).build());
            assertThat(v.verdicts()).hasSize(1);
            BmiVerdict only = v.forAddress("bob@example.test").orElseThrow();
            assertThat(only.action()).isEqualTo("no action");
            assertThat(only.outcome()).isEqualTo(BmiOutcome.DELIVER_DEFAULT);
            assertThat(only.rules()).doesNotContain("BMI_TEST_MARKER", "GTUBE");
            assertThat(only.score()).isLessThan(4.0);
        }
    }

    @Test
    void oneScanPerProfileAndEachRecipientGetsItsGroupsVerdict(RspamdFixture rspamd) throws Exception {
        try (RspamdEngine e = engine(rspamd)) {
            BmiMessage m = msg(RspamdFixture.message("offer", "Hello\r\n" + RspamdFixture.MARKER + "\r\n"))
                .recipient("plain@example.test", BmiOptin.none())
                .recipient("Strict1@Example.test", BmiOptin.parse("strict"))
                .recipient("lenient@example.test", BmiOptin.parse("lenient"))
                .recipient("strict2@example.test", BmiOptin.parse("strict"))
                .build();
            BmiVerdicts v = e.scan(m);
            assertThat(v.verdicts()).hasSize(3);

            BmiVerdict plain = v.forAddress("plain@example.test").orElseThrow();
            assertThat(plain.action()).isEqualTo("add header");
            assertThat(plain.outcome()).isEqualTo(BmiOutcome.DELIVER_ALTERNATE);
            assertThat(plain.altLocation()).isEqualTo("Junk");
            assertThat(plain.rules()).contains("BMI_TEST_MARKER");
            assertThat(plain.ruleIds()).containsExactly(5);

            BmiVerdict strict = v.forAddress("STRICT1@example.TEST").orElseThrow();
            assertThat(strict.action()).isEqualTo("reject");
            assertThat(strict.outcome()).isEqualTo(BmiOutcome.DONT_DELIVER);
            assertThat(strict.profile()).isEqualTo("strict");
            assertThat(strict.recipients()).containsExactly("strict1@example.test", "strict2@example.test");
            assertThat(v.forAddress("strict2@example.test")).contains(strict);

            BmiVerdict lenient = v.forAddress("lenient@example.test").orElseThrow();
            assertThat(lenient.action()).isEqualTo("no action");
            assertThat(lenient.outcome()).isEqualTo(BmiOutcome.DELIVER_DEFAULT);
            assertThat(lenient.rules()).contains("BMI_TEST_MARKER");

            assertThat(v.forAddress("nobody@example.test")).isEmpty();
        }
    }

    @Test
    void gtubeVariantsGiveTheirActions(RspamdFixture rspamd) throws Exception {
        String tail = "JS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X";
        try (RspamdEngine e = engine(rspamd)) {
            BmiVerdict x = e.scan(msg(RspamdFixture.message("t", "X" + tail)).recipient("a@example.test", null).build())
                .forAddress("a@example.test").orElseThrow();
            assertThat(x.action()).isEqualTo("reject");
            assertThat(x.outcome()).isEqualTo(BmiOutcome.DONT_DELIVER);
            assertThat(x.rules()).contains("GTUBE");
            assertThat(x.ruleIds()).containsExactly(11);
            BmiVerdict y = e.scan(msg(RspamdFixture.message("t", "Y" + tail)).recipient("a@example.test", null).build())
                .forAddress("a@example.test").orElseThrow();
            assertThat(y.action()).isEqualTo("add header");
            assertThat(y.outcome()).isEqualTo(BmiOutcome.DELIVER_ALTERNATE);
            BmiVerdict z = e.scan(msg(RspamdFixture.message("t", "Z" + tail)).recipient("a@example.test", null).build())
                .forAddress("a@example.test").orElseThrow();
            assertThat(z.action()).isEqualTo("rewrite subject");
            assertThat(z.altLocation()).isEqualTo("Junk");
        }
    }

    @Test
    void configurableTableWithScoreThreshold(RspamdFixture rspamd) throws Exception {
        try (RspamdEngine e = RspamdEngine.builder(Endpoint.parse(rspamd.endpoint()))
            .actions(BmiActionTable.parse("add header = alternate:Spam, score>=9.5 = dont_deliver, * = default")).build()) {
            BmiVerdict v = e.scan(msg(RspamdFixture.message("t", RspamdFixture.MARKER)).recipient("a@example.test", null).build())
                .forAddress("a@example.test").orElseThrow();
            assertThat(v.action()).isEqualTo("add header");
            assertThat(v.score()).isGreaterThanOrEqualTo(9.5);
            assertThat(v.outcome()).isEqualTo(BmiOutcome.DONT_DELIVER);
        }
        try (RspamdEngine e = RspamdEngine.builder(Endpoint.parse(rspamd.endpoint()))
            .actions(BmiActionTable.parse("add header = alternate:Spam")).build()) {
            BmiVerdict v = e.scan(msg(RspamdFixture.message("t", RspamdFixture.MARKER)).recipient("a@example.test", null).build())
                .forAddress("a@example.test").orElseThrow();
            assertThat(v.altLocation()).isEqualTo("Spam");
        }
    }

    @Test
    void softRejectFailsTheScan(RspamdFixture rspamd) {
        try (RspamdEngine e = engine(rspamd)) {
            assertThatThrownBy(() -> e.scan(msg(RspamdFixture.message("t", RspamdFixture.SOFT_MARKER)).recipient("a@example.test", null).build()))
                .isInstanceOf(BmiEngineException.class)
                .hasMessageContaining("soft reject");
        }
    }

    @Test
    void softRejectMappedToNoneGivesNoVerdict(RspamdFixture rspamd) throws Exception {
        try (RspamdEngine e = RspamdEngine.builder(Endpoint.parse(rspamd.endpoint()))
            .actions(BmiActionTable.parse("soft reject = none, * = default")).build()) {
            BmiVerdicts v = e.scan(msg(RspamdFixture.message("t", RspamdFixture.SOFT_MARKER)).recipient("a@example.test", null).build());
            assertThat(v.isEmpty()).isTrue();
        }
    }

    @Test
    void refusedConnectionFailsFast() throws Exception {
        int closed = RspamdFixture.freePort();
        try (RspamdEngine e = RspamdEngine.builder(Endpoint.tcp("127.0.0.1", closed)).build()) {
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> e.scan(msg(RspamdFixture.message("t", "x")).recipient("a@example.test", null).build()))
                .isInstanceOf(BmiEngineException.class)
                .hasMessageContaining("127.0.0.1:" + closed);
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(2));
        }
    }

    @Test
    void silentServerTimesOutWithinTheTimeout() throws Exception {
        try (FakeServer server = new FakeServer(req -> null)) {
            try (RspamdEngine e = RspamdEngine.builder(Endpoint.tcp("127.0.0.1", server.port())).timeout(Duration.ofMillis(700)).build()) {
                long t0 = System.nanoTime();
                assertThatThrownBy(() -> e.scan(msg(RspamdFixture.message("t", "x")).recipient("a@example.test", null)
                    .recipient("b@example.test", BmiOptin.parse("strict")).build()))
                    .isInstanceOf(BmiEngineException.class)
                    .hasMessageContaining("did not answer within 700 ms");
                Duration took = Duration.ofNanos(System.nanoTime() - t0);
                // one timeout, not one per group: the scan stops at the first failure
                assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(650)).isLessThan(Duration.ofMillis(1500));
                assertThat(server.requests).hasSize(1);
            }
        }
    }

    @Test
    void http500AndGarbageAreFailures() throws Exception {
        try (FakeServer server = new FakeServer(req -> "HTTP/1.1 500 IO write error: Connection refused\r\nContent-Length: 0\r\n\r\n")) {
            try (RspamdEngine e = RspamdEngine.builder(Endpoint.tcp("127.0.0.1", server.port())).build()) {
                assertThatThrownBy(() -> e.scan(msg(RspamdFixture.message("t", "x")).recipient("a@example.test", null).build()))
                    .isInstanceOf(BmiEngineException.class).hasMessageContaining("HTTP 500");
            }
        }
        try (FakeServer server = new FakeServer(req -> "HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n{\"acti...")) {
            try (RspamdEngine e = RspamdEngine.builder(Endpoint.tcp("127.0.0.1", server.port())).build()) {
                assertThatThrownBy(() -> e.scan(msg(RspamdFixture.message("t", "x")).recipient("a@example.test", null).build()))
                    .isInstanceOf(BmiEngineException.class).hasMessageContaining("not JSON");
            }
        }
        try (FakeServer server = new FakeServer(req -> "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}")) {
            try (RspamdEngine e = RspamdEngine.builder(Endpoint.tcp("127.0.0.1", server.port())).build()) {
                assertThatThrownBy(() -> e.scan(msg(RspamdFixture.message("t", "x")).recipient("a@example.test", null).build()))
                    .isInstanceOf(BmiEngineException.class).hasMessageContaining("no action");
            }
        }
    }

    @Test
    void requestCarriesEnvelopeProfileAndNoInjectedLines() throws Exception {
        String ok = "{\"action\":\"no action\",\"score\":0.5,\"symbols\":{\"R1\":{\"score\":0.5}}}";
        try (FakeServer server = new FakeServer(req -> "HTTP/1.1 200 OK\r\nContent-Length: " + ok.length() + "\r\n\r\n" + ok)) {
            try (RspamdEngine e = RspamdEngine.builder(Endpoint.tcp("127.0.0.1", server.port())).build()) {
                BmiVerdicts v = e.scan(BmiMessage.builder().clientIp("192.0.2.7").helo("evil\r\nSettings-ID: lenient").sender("s@example.com")
                    .recipient("a@example.test", BmiOptin.parse("strict:nolinks")).recipient("b@example.test", BmiOptin.parse("strict:nolinks"))
                    .content("Subject: x\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII)).build());
                assertThat(v.forAddress("b@example.test").orElseThrow().rules()).containsExactly("R1");
            }
            String req = server.requests.get(0);
            assertThat(req).startsWith("POST /checkv2 HTTP/1.1\r\n")
                .contains("\r\nIP: 192.0.2.7\r\n", "\r\nHostname: unknown\r\n", "\r\nFrom: s@example.com\r\n",
                    "\r\nRcpt: a@example.test\r\nRcpt: b@example.test\r\n", "\r\nSettings-ID: strict:nolinks\r\n",
                    "\r\nHelo: evil??Settings-ID: lenient\r\n")
                .doesNotContain("\r\nSettings-ID: lenient")
                .endsWith("\r\n\r\nSubject: x\r\n\r\nbody\r\n");
        }
    }

    /** Accepts connections, records each request (headers + body), answers with the function's text (null: never answers). */
    static final class FakeServer implements AutoCloseable {
        final List<String> requests = new CopyOnWriteArrayList<>();
        private final ServerSocket socket;
        private final Thread thread;
        private final CountDownLatch stop = new CountDownLatch(1);

        FakeServer(Function<String, String> answer) throws IOException {
            socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            thread = new Thread(() -> {
                while (!socket.isClosed()) {
                    try (Socket c = socket.accept()) {
                        String req = readRequest(c.getInputStream());
                        requests.add(req);
                        String a = answer.apply(req);
                        if (a == null) {
                            stop.await(10, TimeUnit.SECONDS);
                        } else {
                            c.getOutputStream().write(a.getBytes(StandardCharsets.UTF_8));
                        }
                    } catch (IOException | InterruptedException e) {
                        return;
                    }
                }
            }, "fake-rspamd");
            thread.setDaemon(true);
            thread.start();
        }

        private static String readRequest(InputStream in) throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            int length = -1;
            while (true) {
                int c = in.read();
                if (c < 0) {
                    break;
                }
                b.write(c);
                String s = b.toString(StandardCharsets.UTF_8);
                if (length < 0 && s.endsWith("\r\n\r\n")) {
                    int i = s.indexOf("Content-Length: ");
                    length = Integer.parseInt(s.substring(i + 16, s.indexOf("\r\n", i)));
                    b.write(in.readNBytes(length));
                    break;
                }
            }
            return b.toString(StandardCharsets.UTF_8);
        }

        int port() {
            return socket.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            stop.countDown();
            socket.close();
        }
    }
}
