package org.jamesexim.dovecot;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.jamesexim.common.Endpoint;
import org.jamesexim.dovecot.testing.RealDovecot;
import org.jamesexim.dovecot.testing.SocatTls;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The client against a real Dovecot 2.3 (started from a temp dir by {@link RealDovecot}). Each test uses its own
 * {@code rip}, because Dovecot penalises repeated failures per remote IP (about 4 s for the next request).
 */
class RealDovecotClientTest {
    private static final String PW = RealDovecot.PASSWORD;
    private static final AtomicInteger RIP = new AtomicInteger(10);
    private static RealDovecot dovecot;

    @BeforeAll
    static void startDovecot() throws Exception {
        dovecot = RealDovecot.start();
    }

    @AfterAll
    static void stopDovecot() {
        if (dovecot != null) {
            dovecot.close();
        }
    }

    private static DovecotAuthClient client(String socket) {
        return new DovecotAuthClient(DovecotAuthConfig.builder(Endpoint.parse(socket)).timeout(Duration.ofSeconds(10)).build());
    }

    private static AuthRequest fromNewIp(AuthRequest r) throws Exception {
        return r.withAddresses(InetAddress.getByName("127.0.0.1"), 25, InetAddress.getByName("192.0.2." + RIP.incrementAndGet()),
            40000);
    }

    @Test
    void plainWithTheRightPasswordIsOkAndNamesDovecotsUser() throws Exception {
        try (DovecotAuthClient c = client(dovecot.inetSocket())) {
            AuthResult alice = c.authenticate(fromNewIp(AuthRequest.plain("alice", PW)));
            assertThat(alice.status()).isEqualTo(AuthResult.Status.OK);
            assertThat(alice.user()).contains("alice");
            // Dovecot's auth_username_format %Lu lower-cases: user= is the canonical name
            AuthResult mixed = c.authenticate(fromNewIp(AuthRequest.plain("BoB", PW)));
            assertThat(mixed.status()).isEqualTo(AuthResult.Status.OK);
            assertThat(mixed.user()).contains("bob");
            assertThat(c.mechanisms()).contains("PLAIN", "LOGIN");
        }
    }

    @Test
    void wrongPasswordAndUnknownUserFail() throws Exception {
        try (DovecotAuthClient c = client(dovecot.inetSocket())) {
            AuthResult wrong = c.authenticate(fromNewIp(AuthRequest.plain("alice", "not-the-password")));
            assertThat(wrong.status()).isEqualTo(AuthResult.Status.FAIL);
            assertThat(wrong.user()).contains("alice");
            assertThat(wrong.toString()).doesNotContain("not-the-password");
            AuthResult unknown = c.authenticate(fromNewIp(AuthRequest.plain("nobody", PW)));
            assertThat(unknown.status()).isEqualTo(AuthResult.Status.FAIL);
        }
        assertThat(dovecot.log()).doesNotContain("not-the-password");
    }

    @Test
    void loginRunsTheChallengeRounds() throws Exception {
        try (DovecotAuthClient c = client(dovecot.inetSocket())) {
            AuthResult ok = c.authenticate(fromNewIp(AuthRequest.login("bob", PW)));
            assertThat(ok.status()).isEqualTo(AuthResult.Status.OK);
            assertThat(ok.user()).contains("bob");
            AuthResult bad = c.authenticate(fromNewIp(AuthRequest.login("bob", "nope")));
            assertThat(bad.status()).isEqualTo(AuthResult.Status.FAIL);
        }
    }

    @Test
    void unixSocketSpeaksTheSameProtocol() throws Exception {
        try (DovecotAuthClient c = client(dovecot.unixSocket())) {
            assertThat(c.authenticate(fromNewIp(AuthRequest.plain("user01", PW))).status()).isEqualTo(AuthResult.Status.OK);
            assertThat(c.authenticate(fromNewIp(AuthRequest.plain("user01", "x"))).status()).isEqualTo(AuthResult.Status.FAIL);
        }
    }

    @Test
    void backendTemporaryFailureIsTempfailAndNologinIsReported() throws Exception {
        try (DovecotAuthClient c = client(dovecot.inetSocket())) {
            AuthResult temp = c.authenticate(fromNewIp(AuthRequest.plain("tempfail1", PW)));
            assertThat(temp.status()).isEqualTo(AuthResult.Status.TEMPFAIL);
            assertThat(temp.code()).contains("temp_fail");
            AuthResult dave = c.authenticate(fromNewIp(AuthRequest.plain("dave", PW)));
            assertThat(dave.status()).isEqualTo(AuthResult.Status.OK);
            assertThat(dave.nologin()).isTrue();
            assertThat(dave.params()).containsEntry("reason", "locked");
        }
    }

    @Test
    void mechanismNotAdvertisedIsTempfailAndNeverReachesTheConnection() throws Exception {
        DovecotAuthConfig cfg = DovecotAuthConfig.builder(Endpoint.parse(dovecot.inetSocket())).poolSize(1).build();
        try (DovecotAuthClient c = new DovecotAuthClient(cfg)) {
            assertThat(c.authenticate(fromNewIp(AuthRequest.plain("user02", PW))).isOk()).isTrue();
            AuthResult r = c.authenticate(AuthRequest.of("XOAUTH2", new byte[] {1}, ChallengeResponder.NONE));
            assertThat(r.status()).isEqualTo(AuthResult.Status.TEMPFAIL);
            assertThat(r.reason()).contains("did not advertise mechanism \"XOAUTH2\"");
            // Dovecot drops a connection that names an unknown mechanism; ours is still fine
            assertThat(c.authenticate(fromNewIp(AuthRequest.plain("user02", PW))).isOk()).isTrue();
            assertThat(c.openConnections()).isEqualTo(1);
        }
    }

    @Test
    void manyConcurrentRequestsShareOneConnection() throws Exception {
        DovecotAuthConfig cfg = DovecotAuthConfig.builder(Endpoint.parse(dovecot.inetSocket())).poolSize(1).build();
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try (DovecotAuthClient c = new DovecotAuthClient(cfg)) {
            List<Future<AuthResult>> results = new ArrayList<>();
            for (int i = 1; i <= 48; i++) {
                String user = String.format("user%02d", i);
                AuthRequest r = i % 2 == 0 ? AuthRequest.plain(user, PW) : AuthRequest.login(user, PW);
                AuthRequest req = r.withAddresses(InetAddress.getByName("127.0.0.1"), 25,
                    InetAddress.getByName("198.51.100." + i), 1000 + i);
                results.add(pool.submit(() -> c.authenticate(req)));
            }
            for (int i = 0; i < results.size(); i++) {
                AuthResult r = results.get(i).get(30, TimeUnit.SECONDS);
                assertThat(r.status()).as("request %d", i + 1).isEqualTo(AuthResult.Status.OK);
                assertThat(r.user()).contains(String.format("user%02d", i + 1));
            }
            assertThat(c.openConnections()).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void tlsThroughATerminatorWithTheConfiguredTrustStore() throws Exception {
        Path dir = Files.createTempDirectory("jexim-tls-");
        try (SocatTls tls = SocatTls.start(dir, dovecot.port())) {
            DovecotAuthConfig trusted = DovecotAuthConfig.builder(Endpoint.parse(tls.inetSocket())).poolSize(1)
                .trustStore(tls.trustStore(), "PKCS12", SocatTls.TRUST_STORE_PASSWORD.toCharArray()).build();
            try (DovecotAuthClient c = new DovecotAuthClient(trusted)) {
                assertThat(c.authenticate(fromNewIp(AuthRequest.plain("alice", PW))).isOk()).isTrue();
                // the reader wakes every second on an idle socket: the TLS connection must survive those timeouts
                Thread.sleep(2500);
                assertThat(c.authenticate(fromNewIp(AuthRequest.plain("bob", PW))).isOk()).isTrue();
                assertThat(c.openConnections()).isEqualTo(1);
                assertThat(c.authenticate(fromNewIp(AuthRequest.plain("alice", "bad"))).status())
                    .isEqualTo(AuthResult.Status.FAIL);
            }
            // the JVM's default trust store does not know the self-signed certificate
            DovecotAuthConfig untrusted = DovecotAuthConfig.builder(Endpoint.parse(tls.inetSocket())).tls(true).build();
            try (DovecotAuthClient c = new DovecotAuthClient(untrusted)) {
                AuthResult r = c.authenticate(fromNewIp(AuthRequest.plain("alice", PW)));
                assertThat(r.status()).isEqualTo(AuthResult.Status.TEMPFAIL);
                assertThat(r.reason()).contains("TLS handshake");
            }
            // a certificate for another name is refused
            DovecotAuthConfig otherName = DovecotAuthConfig.builder(Endpoint.parse(tls.inetSocket()))
                .trustStore(tls.trustStore(), "PKCS12", SocatTls.TRUST_STORE_PASSWORD.toCharArray())
                .tlsServerName("mail.example.org").build();
            try (DovecotAuthClient c = new DovecotAuthClient(otherName)) {
                assertThat(c.authenticate(fromNewIp(AuthRequest.plain("alice", PW))).status())
                    .isEqualTo(AuthResult.Status.TEMPFAIL);
            }
            // plaintext against the TLS port: no handshake → temporary failure, not a hang
            DovecotAuthConfig plain = DovecotAuthConfig.builder(Endpoint.parse(tls.inetSocket()))
                .timeout(Duration.ofSeconds(1)).build();
            try (DovecotAuthClient c = new DovecotAuthClient(plain)) {
                assertThat(c.authenticate(fromNewIp(AuthRequest.plain("alice", PW))).status())
                    .isEqualTo(AuthResult.Status.TEMPFAIL);
            }
        }
    }

    @Test
    void anIdleConnectionSurvivesADovecotRestartWithoutAFailedRequest() throws Exception {
        DovecotAuthConfig cfg = DovecotAuthConfig.builder(Endpoint.parse(dovecot.inetSocket())).poolSize(1).build();
        try (DovecotAuthClient c = new DovecotAuthClient(cfg)) {
            assertThat(c.authenticate(fromNewIp(AuthRequest.plain("user03", PW))).isOk()).isTrue();
            dovecot.restart();
            Thread.sleep(600);
            // the old connection's EOF was noticed while idle: the first request after the restart just reconnects
            assertThat(c.authenticate(fromNewIp(AuthRequest.plain("user03", PW))).status()).isEqualTo(AuthResult.Status.OK);
        } finally {
            if (!dovecot.isRunning()) {
                dovecot.restart();
            }
        }
    }

    @Test
    void killedMidRequestIsTempfailThenRecoversAfterRestart() throws Exception {
        DovecotAuthConfig cfg = DovecotAuthConfig.builder(Endpoint.parse(dovecot.inetSocket()))
            .timeout(Duration.ofSeconds(30)).backoff(Duration.ofMillis(50), Duration.ofMillis(400)).build();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (DovecotAuthClient c = new DovecotAuthClient(cfg)) {
            // a failure from this rip makes Dovecot hold the next request from it for about 4 s: it is in flight
            InetAddress rip = InetAddress.getByName("203.0.113.77");
            InetAddress lip = InetAddress.getByName("127.0.0.1");
            assertThat(c.authenticate(AuthRequest.plain("bob", "bad").withAddresses(lip, 25, rip, 1)).status())
                .isEqualTo(AuthResult.Status.FAIL);
            Future<AuthResult> inFlight = pool.submit(() -> c.authenticate(AuthRequest.plain("bob", PW)
                .withAddresses(lip, 25, rip, 2)));
            Thread.sleep(700);
            assertThat(inFlight.isDone()).as("held by Dovecot's penalty").isFalse();
            long killedAt = System.nanoTime();
            dovecot.kill();
            AuthResult lost = inFlight.get(10, TimeUnit.SECONDS);
            assertThat(lost.status()).isEqualTo(AuthResult.Status.TEMPFAIL);
            assertThat(lost.reason()).contains("connection to Dovecot lost");
            // EOF ends it, not the 30 s timeout (kill() itself waits for the processes to be gone)
            assertThat(System.nanoTime() - killedAt).isLessThan(TimeUnit.SECONDS.toNanos(8));

            // down: refused at once, then within the backoff window without even connecting
            AuthResult down = c.authenticate(fromNewIp(AuthRequest.plain("bob", PW)));
            assertThat(down.status()).isEqualTo(AuthResult.Status.TEMPFAIL);
            assertThat(down.reason()).contains("cannot use Dovecot");
            AuthResult backoff = c.authenticate(fromNewIp(AuthRequest.plain("bob", PW)));
            assertThat(backoff.status()).isEqualTo(AuthResult.Status.TEMPFAIL);
            assertThat(backoff.reason()).contains("next try in");
            assertThat(backoff.toString()).doesNotContain(PW);

            dovecot.restart();
            AuthResult back = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (System.nanoTime() < deadline) {
                back = c.authenticate(fromNewIp(AuthRequest.plain("bob", PW)));
                if (back.isOk()) {
                    break;
                }
                Thread.sleep(100);
            }
            assertThat(back.status()).isEqualTo(AuthResult.Status.OK);
        } finally {
            pool.shutdownNow();
            if (!dovecot.isRunning()) {
                dovecot.restart();
            }
        }
    }
}
