package org.jamesexim.dovecot;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.jamesexim.common.Endpoint;
import org.jamesexim.dovecot.testing.FakeAuthServer;
import org.junit.jupiter.api.Test;

/**
 * What a real Dovecot does not do on demand: stalls, garbage, wrong protocol versions, replies out of order. The
 * fake peer is scripted per test; every case must end as a temporary failure within the timeout, never hang, and
 * never show the password.
 */
class FaultyPeerTest {
    private static final String SECRET = "Pa55-never-logged";

    private static DovecotAuthClient client(FakeAuthServer server, Duration timeout) {
        return new DovecotAuthClient(DovecotAuthConfig.builder(Endpoint.parse(server.inetSocket()))
            .connectTimeout(Duration.ofSeconds(1)).timeout(timeout).poolSize(1)
            .backoff(Duration.ofMillis(1), Duration.ofMillis(1)).build());
    }

    private static void assertTempfail(AuthResult r, String reasonPart) {
        assertThat(r.status()).isEqualTo(AuthResult.Status.TEMPFAIL);
        assertThat(r.reason()).contains(reasonPart);
        assertThat(r.toString()).doesNotContain(SECRET);
    }

    @Test
    void wireFormatOfHandshakeAndRequest() throws Exception {
        try (FakeAuthServer server = new FakeAuthServer(conn -> {
            conn.handshake();
            String auth = conn.readUntil("AUTH\t");
            String id = auth.split("\t")[1];
            conn.send("OK\t" + id + "\tuser=al\001tice\n");
            conn.readLine();
        }); DovecotAuthClient c = client(server, Duration.ofSeconds(5))) {
            AuthRequest req = AuthRequest.plain("alice", SECRET)
                .withAddresses(InetAddress.getByName("127.0.0.1"), 587, InetAddress.getByName("192.0.2.5"), 40001)
                .withSecured(true).withSession("S1\tx");
            AuthResult r = c.authenticate(req);
            assertThat(r.status()).isEqualTo(AuthResult.Status.OK);
            assertThat(r.user()).contains("al\tice");
            List<String> lines = server.received();
            assertThat(lines.get(0)).isEqualTo("VERSION\t1\t0");
            assertThat(lines.get(1)).matches("CPID\t[1-9][0-9]*");
            String[] f = lines.get(2).split("\t");
            assertThat(f[0]).isEqualTo("AUTH");
            assertThat(Long.parseLong(f[1])).isPositive();
            assertThat(f).containsSubsequence("PLAIN", "service=smtp", "lip=127.0.0.1", "rip=192.0.2.5", "lport=587",
                "rport=40001", "secured", "session=S1\001tx");
            assertThat(f[f.length - 1]).isEqualTo("resp=" + Base64.getEncoder().encodeToString(("\0alice\0" + SECRET).getBytes()));
            assertThat(req.toString()).doesNotContain(SECRET);
        }
    }

    @Test
    void repliesOutOfOrderReachTheRightCallers() throws Exception {
        CountDownLatch both = new CountDownLatch(1);
        try (FakeAuthServer server = new FakeAuthServer(conn -> {
            conn.handshake();
            List<String[]> reqs = new ArrayList<>();
            reqs.add(conn.readUntil("AUTH\t").split("\t"));
            reqs.add(conn.readUntil("AUTH\t").split("\t"));
            both.countDown();
            // answer the second first, then the first; the user is taken from the PLAIN data
            for (int i = 1; i >= 0; i--) {
                String[] f = reqs.get(i);
                String data = new String(Base64.getDecoder().decode(f[f.length - 1].substring(5)));
                String user = data.split("\0")[1];
                conn.send("OK\t" + f[1] + "\tuser=" + user + "\n");
            }
            conn.readLine();
        }); DovecotAuthClient c = client(server, Duration.ofSeconds(5))) {
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                Future<AuthResult> a = pool.submit(() -> c.authenticate(AuthRequest.plain("first", SECRET)));
                Future<AuthResult> b = pool.submit(() -> c.authenticate(AuthRequest.plain("second", SECRET)));
                assertThat(both.await(5, TimeUnit.SECONDS)).isTrue();
                assertThat(a.get(5, TimeUnit.SECONDS).user()).contains("first");
                assertThat(b.get(5, TimeUnit.SECONDS).user()).contains("second");
                List<String> ids = server.received().stream().filter(l -> l.startsWith("AUTH"))
                    .map(l -> l.split("\t")[1]).collect(Collectors.toList());
                assertThat(ids).doesNotHaveDuplicates();
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void listenerThatNeverSpeaksIsTempfailAfterTheTimeout() throws Exception {
        try (FakeAuthServer server = new FakeAuthServer(conn -> conn.readUntil("NEVER"));
             DovecotAuthClient c = client(server, Duration.ofMillis(400))) {
            long t0 = System.nanoTime();
            assertTempfail(c.authenticate(AuthRequest.plain("alice", SECRET)), "no complete handshake");
            assertThat(System.nanoTime() - t0).isLessThan(TimeUnit.SECONDS.toNanos(3));
        }
    }

    @Test
    void aTricklingHandshakeStillEndsWithinTheTimeout() throws Exception {
        try (FakeAuthServer server = new FakeAuthServer(conn -> {
            conn.send("VERSION\t1\t2\n");
            for (int i = 0; i < 100; i++) {
                conn.send("MECH\tX" + i + "\n");
                try {
                    Thread.sleep(300);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }); DovecotAuthClient c = client(server, Duration.ofSeconds(1))) {
            long t0 = System.nanoTime();
            assertTempfail(c.authenticate(AuthRequest.plain("alice", SECRET)), "no complete handshake");
            assertThat(System.nanoTime() - t0).isLessThan(TimeUnit.MILLISECONDS.toNanos(1900));
        }
    }

    @Test
    void stallAfterTheRequestIsTempfailAndTheNextRequestReconnects() throws Exception {
        try (FakeAuthServer server = new FakeAuthServer(conn -> {
            conn.handshake();
            String auth = conn.readUntil("AUTH\t");
            if (auth != null && auth.contains("resp=" + Base64.getEncoder().encodeToString("\0ok\0pw".getBytes()))) {
                conn.send("OK\t" + auth.split("\t")[1] + "\tuser=ok\n");
            }
            conn.readUntil("NEVER");
        }); DovecotAuthClient c = client(server, Duration.ofMillis(500))) {
            long t0 = System.nanoTime();
            assertTempfail(c.authenticate(AuthRequest.plain("alice", SECRET)), "no reply from Dovecot within 500 ms");
            assertThat(System.nanoTime() - t0).isLessThan(TimeUnit.SECONDS.toNanos(3));
            // the silent connection was dropped as stalled; a new one serves the next request
            assertThat(c.authenticate(AuthRequest.plain("ok", "pw")).isOk()).isTrue();
            assertThat(server.accepted()).isEqualTo(2);
        }
    }

    @Test
    void anIdleConnectionClosedByThePeerIsReplacedBeforeTheNextRequest() throws Exception {
        java.util.concurrent.atomic.AtomicInteger connections = new java.util.concurrent.atomic.AtomicInteger();
        try (FakeAuthServer server = new FakeAuthServer(conn -> {
            int n = connections.incrementAndGet();
            conn.handshake();
            String auth = conn.readUntil("AUTH\t");
            conn.send("OK\t" + auth.split("\t")[1] + "\tuser=u" + n + "\n");
            if (n == 1) {
                conn.close(); // like a Dovecot restart while the client is idle
                return;
            }
            conn.readUntil("NEVER");
        }); DovecotAuthClient c = client(server, Duration.ofSeconds(5))) {
            assertThat(c.authenticate(AuthRequest.plain("a", SECRET)).user()).contains("u1");
            Thread.sleep(600); // the idle watcher reads the EOF
            assertThat(c.openConnections()).isZero();
            AuthResult second = c.authenticate(AuthRequest.plain("a", SECRET));
            assertThat(second.status()).isEqualTo(AuthResult.Status.OK);
            assertThat(second.user()).contains("u2");
        }
    }

    @Test
    void notDovecotIsTempfail() throws Exception {
        try (FakeAuthServer server = new FakeAuthServer(conn -> {
            conn.send("220 mail.example ESMTP\r\n");
            conn.readUntil("NEVER");
        }); DovecotAuthClient c = client(server, Duration.ofSeconds(2))) {
            assertTempfail(c.authenticate(AuthRequest.plain("alice", SECRET)), "not a Dovecot auth service");
        }
    }

    @Test
    void otherMajorVersionIsTempfail() throws Exception {
        try (FakeAuthServer server = new FakeAuthServer(conn -> {
            conn.send("VERSION\t2\t0\nMECH\tPLAIN\nDONE\n");
            conn.readUntil("NEVER");
        }); DovecotAuthClient c = client(server, Duration.ofSeconds(2))) {
            assertTempfail(c.authenticate(AuthRequest.plain("alice", SECRET)), "is not 1.x");
        }
    }

    @Test
    void authMasterSocketIsRecognised() throws Exception {
        try (FakeAuthServer server = new FakeAuthServer(conn -> {
            conn.send("VERSION\t1\t2\nSPID\t42\n");
            conn.readUntil("NEVER");
        }); DovecotAuthClient c = client(server, Duration.ofSeconds(2))) {
            assertTempfail(c.authenticate(AuthRequest.plain("alice", SECRET)), "auth-master");
        }
    }

    @Test
    void garbageReplyDropsTheConnectionAndFailsTheRequestTemporarily() throws Exception {
        try (FakeAuthServer server = new FakeAuthServer(conn -> {
            conn.handshake();
            conn.readUntil("AUTH\t");
            conn.send("HELLO\tthere\n");
            conn.readUntil("NEVER");
        }); DovecotAuthClient c = client(server, Duration.ofSeconds(5))) {
            long t0 = System.nanoTime();
            assertTempfail(c.authenticate(AuthRequest.plain("alice", SECRET)), "unexpected line from Dovecot: 'HELLO'");
            assertThat(System.nanoTime() - t0).isLessThan(TimeUnit.SECONDS.toNanos(2));
            assertThat(c.openConnections()).isZero();
        }
    }

    @Test
    void failVariants() throws Exception {
        try (FakeAuthServer server = new FakeAuthServer(conn -> {
            conn.handshake();
            String[] replies = {"FAIL\t%s\tuser=a\tcode=temp_fail", "FAIL\t%s\ttemp", "FAIL\t%s\tuser=a",
                "OK\t%s\tnologin", "FAIL\t%s\tcode=authz_fail\treason=no\001tway"};
            for (String reply : replies) {
                String auth = conn.readUntil("AUTH\t");
                conn.send(String.format(reply, auth.split("\t")[1]) + "\n");
            }
            conn.readUntil("NEVER");
        }); DovecotAuthClient c = client(server, Duration.ofSeconds(5))) {
            AuthResult temp = c.authenticate(AuthRequest.plain("a", SECRET));
            assertThat(temp.status()).isEqualTo(AuthResult.Status.TEMPFAIL);
            assertThat(temp.code()).contains("temp_fail");
            assertThat(c.authenticate(AuthRequest.plain("a", SECRET)).status()).as("Dovecot 2.2 'temp'")
                .isEqualTo(AuthResult.Status.TEMPFAIL);
            assertThat(c.authenticate(AuthRequest.plain("a", SECRET)).status()).isEqualTo(AuthResult.Status.FAIL);
            assertTempfail(c.authenticate(AuthRequest.plain("a", SECRET)), "without user=");
            AuthResult authz = c.authenticate(AuthRequest.plain("a", SECRET));
            assertThat(authz.status()).isEqualTo(AuthResult.Status.FAIL);
            assertThat(authz.reason()).isEqualTo("no\tway");
        }
    }

    @Test
    void unansweredChallengeIsCancelled() throws Exception {
        try (FakeAuthServer server = new FakeAuthServer(conn -> {
            conn.handshake();
            String id = conn.readUntil("AUTH\t").split("\t")[1];
            conn.send("CONT\t" + id + "\tVXNlcm5hbWU6\n");
            conn.readUntil("CANCEL\t" + id);
            conn.readUntil("NEVER");
        }); DovecotAuthClient c = client(server, Duration.ofSeconds(5))) {
            AuthResult r = c.authenticate(AuthRequest.plain("alice", SECRET));
            assertThat(r.status()).isEqualTo(AuthResult.Status.CANCELLED);
            Thread.sleep(200);
            assertThat(server.received()).anyMatch(l -> l.startsWith("CANCEL\t"));
        }
    }

    @Test
    void nothingListeningIsTempfailAtOnce() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = s.getLocalPort();
        }
        try (DovecotAuthClient c = new DovecotAuthClient(DovecotAuthConfig.builder(Endpoint.tcp("127.0.0.1", port)).build())) {
            long t0 = System.nanoTime();
            assertTempfail(c.authenticate(AuthRequest.plain("alice", SECRET)), "Connection refused");
            assertThat(System.nanoTime() - t0).isLessThan(TimeUnit.SECONDS.toNanos(1));
        }
        try (DovecotAuthClient c = new DovecotAuthClient(
            DovecotAuthConfig.builder(Endpoint.parse("/nonexistent/dovecot/auth-client")).build())) {
            assertTempfail(c.authenticate(AuthRequest.plain("alice", SECRET)), "does not exist");
        }
    }

    @Test
    void configurationErrorsNameTheParameter() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() ->
            DovecotAuthConfig.builder(Endpoint.parse("/run/dovecot/auth-client")).tls(true).build())
            .hasMessageContaining("server_tls");
        org.assertj.core.api.Assertions.assertThatThrownBy(() ->
            DovecotAuthConfig.builder(Endpoint.parse("127.0.0.1 1")).poolSize(0))
            .hasMessageContaining("pool_size");
        org.assertj.core.api.Assertions.assertThatThrownBy(() ->
            DovecotAuthConfig.builder(Endpoint.parse("127.0.0.1 1")).trustStore(java.nio.file.Path.of("/nonexistent.p12"),
                "PKCS12", null))
            .hasMessageContaining("server_tls_trust_store");
    }
}
