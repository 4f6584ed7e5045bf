package org.jamesexim.it.dovecot;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.jamesexim.common.testing.Prerequisites;
import org.jamesexim.dovecot.testing.RealDovecot;
import org.jamesexim.it.JamesHarness;
import org.jamesexim.it.SmtpClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * SMTP AUTH through a real James 3.8.1 with {@code org.jamesexim.smtp.DovecotAuthHook}, checked by a real Dovecot 2.3
 * started from a temp dir. James boots {@code james-config/examples/dovecot-smtpserver.xml} as its smtpserver.xml,
 * with only the {@code server_socket} value (this Dovecot's port) and {@code timeout} (3s) replaced.
 *
 * <p>Dovecot holds requests from a remote IP that just failed for about 4 s, so the sessions that fail connect from
 * their own loopback address (127.0.0.2, ...), which James passes to Dovecot as {@code rip}.</p>
 */
class DovecotAuthTest {
    static final String PW = RealDovecot.PASSWORD;
    static final String AUTH_USER_HEADER = "X-Test-SMTP-Auth-User";
    private static RealDovecot dovecot;
    private static JamesHarness james;

    /** The example file with the test's server_socket and timeout: everything else as shipped. */
    static String exampleSmtpServerXml(String serverSocket, String extraHookParams) throws Exception {
        Path example = JamesHarness.defaultConfigDir().resolve("examples/dovecot-smtpserver.xml");
        String xml = Files.readString(example);
        assertThat(xml).contains("<server_socket>127.0.0.1 12345</server_socket>", "<timeout>20s</timeout>");
        return xml.replace("<server_socket>127.0.0.1 12345</server_socket>",
                "<server_socket>" + serverSocket + "</server_socket>" + extraHookParams)
            .replace("<timeout>20s</timeout>", "<timeout>3s</timeout>");
    }

    /** The sample mailetcontainer.xml, plus a header showing the SMTP AUTH user James recorded on the mail. */
    static String mailetContainerShowingAuthUser() throws Exception {
        String xml = Files.readString(JamesHarness.defaultConfigDir().resolve("mailetcontainer.xml"));
        String out = xml.replaceFirst("(<processor state=\"root\"[^>]*>)", "$1\n"
            + "<mailet match=\"All\" class=\"MailAttributesToMimeHeaders\">"
            + "<simplemapping>org.apache.james.SMTPAuthUser;" + AUTH_USER_HEADER + "</simplemapping></mailet>");
        assertThat(out).contains(AUTH_USER_HEADER);
        return out;
    }

    @BeforeAll
    static void boot() throws Exception {
        dovecot = RealDovecot.start();
        james = JamesHarness.builder()
            .config("smtpserver.xml", exampleSmtpServerXml(dovecot.inetSocket(), ""))
            .config("mailetcontainer.xml", mailetContainerShowingAuthUser())
            .start();
    }

    @AfterAll
    static void stop() {
        if (james != null) {
            james.close();
        }
        if (dovecot != null) {
            dovecot.close();
        }
    }

    private static SmtpClient smtpFrom(String localAddress) throws Exception {
        SmtpClient c = james.smtpFrom(localAddress);
        assertThat(c.ehloReply().text()).contains("AUTH");
        return c;
    }

    @Test
    void plainAuthAllowsRelayAndTheMailCarriesDovecotsUserName() throws Exception {
        try (SmtpClient anonymous = smtpFrom("127.0.0.1")) {
            assertThat(anonymous.mailFrom("stranger@elsewhere.example").code).isEqualTo(250);
            assertThat(anonymous.rcptTo("someone@elsewhere.example").code).as("no relay without AUTH").isGreaterThanOrEqualTo(500);
        }
        try (SmtpClient c = smtpFrom("127.0.0.1")) {
            // the test Dovecot's auth_username_format %Ln drops the domain: server_set_id=user and user_domain make it bob@example.test
            SmtpClient.Reply auth = c.authPlain("BoB@example.test", PW);
            assertThat(auth.code).isEqualTo(235);
            // the request as Dovecot received it (auth_debug): addresses and ports of this SMTP session, secured
            // because client and server share an address (Exim's rule), James's session id, the data hidden by Dovecot
            awaitDovecotLog("client in: AUTH\t[1-9][0-9]*\tPLAIN\tservice=smtp\tlip=127\\.0\\.0\\.1"
                + "\trip=127\\.0\\.0\\.1\tlport=" + james.smtpPort() + "\trport=" + c.socket().getLocalPort()
                + "\tsecured\tsession=[^\t]+\tresp=<hidden>");
            assertThat(c.mailFrom("bob@example.test").code).isEqualTo(250);
            assertThat(c.rcptTo("someone@elsewhere.example").code).as("relay after AUTH").isEqualTo(250);
            assertThat(c.command("RSET").code).isEqualTo(250);
            assertThat(c.mailFrom("bob@example.test").code).isEqualTo(250);
            assertThat(c.rcptTo(JamesHarness.DEMO_USER).code).isEqualTo(250);
            assertThat(c.data("From: bob@example.test\r\nSubject: via dovecot auth\r\n\r\nhello\r\n").code).isEqualTo(250);
            c.quit();
        }
        List<String> inbox = james.awaitMailbox(JamesHarness.DEMO_USER, JamesHarness.DEMO_PASSWORD, 1, Duration.ofSeconds(20));
        String mail = inbox.stream().filter(m -> m.contains("Subject: via dovecot auth")).findFirst().orElseThrow();
        assertThat(mail).containsPattern(AUTH_USER_HEADER + ": bob@example\\.test\r?\n");
    }

    @Test
    void swaksAuthenticatesAndRelays() throws Exception {
        String swaks = Prerequisites.require("swaks");
        for (String mech : List.of("PLAIN", "LOGIN")) {
            Process p = new ProcessBuilder(swaks, "--server", "127.0.0.1:" + james.smtpPort(), "--ehlo", "client.example.net",
                "--from", "bob@example.test", "--to", "someone@elsewhere.example", "--auth", mech,
                "--auth-user", "bob", "--auth-password", PW, "--quit-after", "RCPT")
                .redirectErrorStream(true).start();
            String transcript = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(transcript).isZero();
            assertThat(transcript).contains("<-  235 2.7.0")
                .containsPattern("-> RCPT TO:<someone@elsewhere.example>\\n<-  250 [^\\n]*\\n -> QUIT");
        }
    }

    @Test
    void loginAuthWithAHashedPassword() throws Exception {
        try (SmtpClient c = smtpFrom("127.0.0.1")) {
            assertThat(c.authLogin("alice", PW).code).isEqualTo(235);
            assertThat(c.mailFrom("alice@example.test").code).isEqualTo(250);
            assertThat(c.rcptTo("someone@elsewhere.example").code).isEqualTo(250);
        }
    }

    @Test
    void wrongPasswordAndUnknownUserAre535AndGrantNothing() throws Exception {
        String wrong = "wrong-" + System.nanoTime();
        try (SmtpClient c = smtpFrom("127.0.0.2")) {
            SmtpClient.Reply r = c.authPlain("alice", wrong);
            assertThat(r.code).isEqualTo(535);
            assertThat(r.text()).startsWith("5.7.8");
            assertThat(c.mailFrom("stranger@elsewhere.example").code).isEqualTo(250);
            assertThat(c.rcptTo("someone@elsewhere.example").code).isGreaterThanOrEqualTo(500);
            // another client address than the server's: not "secured" (no TLS either)
            awaitDovecotLog("client in: AUTH\t[0-9]+\tPLAIN\tservice=smtp\tlip=127\\.0\\.0\\.1"
                + "\trip=127\\.0\\.0\\.2\tlport=[0-9]+\trport=" + c.socket().getLocalPort() + "\tsession=");
        }
        try (SmtpClient c = smtpFrom("127.0.0.3")) {
            assertThat(c.authLogin("nobody", PW).code).isEqualTo(535);
        }
        // the James user demo/demo is not consulted: Dovecot is the authority
        try (SmtpClient c = smtpFrom("127.0.0.5")) {
            assertThat(c.authPlain(JamesHarness.DEMO_USER, JamesHarness.DEMO_PASSWORD).code).isEqualTo(535);
        }
        assertThat(dovecot.log()).contains("unknown user").doesNotContain(wrong);
    }

    @Test
    void dovecotBackendTemporaryFailureIs454() throws Exception {
        try (SmtpClient c = smtpFrom("127.0.0.4")) {
            SmtpClient.Reply r = c.authPlain("tempfail-user", PW);
            assertThat(r.code).isEqualTo(454);
            assertThat(r.text()).startsWith("4.7.0");
        }
    }

    @Test
    void fiftyConcurrentSessionsAuthenticateAtOnce() throws Exception {
        int n = 50;
        ExecutorService pool = Executors.newFixedThreadPool(n);
        CountDownLatch ready = new CountDownLatch(n);
        CountDownLatch go = new CountDownLatch(1);
        try {
            List<Future<Integer>> codes = new ArrayList<>();
            for (int i = 1; i <= n; i++) {
                String user = String.format("user%02d", i);
                codes.add(pool.submit(() -> {
                    try (SmtpClient c = smtpFrom("127.0.0.1")) {
                        ready.countDown();
                        go.await(30, TimeUnit.SECONDS);
                        int code = c.authPlain(user, PW).code;
                        c.quit();
                        return code;
                    }
                }));
            }
            assertThat(ready.await(60, TimeUnit.SECONDS)).isTrue();
            long t0 = System.nanoTime();
            go.countDown();
            for (Future<Integer> f : codes) {
                assertThat(f.get(60, TimeUnit.SECONDS)).isEqualTo(235);
            }
            System.out.printf("dovecot: %d concurrent SMTP AUTH PLAIN through James in %d ms%n", n,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void stalledDovecotIs454WithinTheTimeoutThenRecovers() throws Exception {
        try (SmtpClient c = smtpFrom("127.0.0.6")) {
            assertThat(c.authPlain("user51", PW).code).isEqualTo(235);
        }
        dovecot.pause();
        try {
            // Dovecot counts a request abandoned by its client as a failure of that rip: 127.0.0.6 is penalised after
            try (SmtpClient c = smtpFrom("127.0.0.6")) {
                long t0 = System.nanoTime();
                SmtpClient.Reply r = c.authPlain("user52", PW);
                long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
                assertThat(r.code).isEqualTo(454);
                assertThat(ms).as("timeout is 3s").isBetween(2500L, 9000L);
            }
        } finally {
            dovecot.resume();
        }
        assertThat(authUntilNot454("127.0.0.7", "user53")).isEqualTo(235);
    }

    @Test
    void dovecotKilledMidSessionIs454ThenRecoversAfterRestart() throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            // a failure from 127.0.0.50 makes Dovecot hold that address's next request for about 4 s
            try (SmtpClient c = smtpFrom("127.0.0.50")) {
                assertThat(c.authPlain("user54", "bad").code).isEqualTo(535);
            }
            SmtpClient held = smtpFrom("127.0.0.50");
            Future<SmtpClient.Reply> reply = pool.submit(() -> held.authPlain("user54", PW));
            Thread.sleep(800);
            assertThat(reply.isDone()).as("held by Dovecot's penalty").isFalse();
            dovecot.kill();
            assertThat(reply.get(10, TimeUnit.SECONDS).code).as("in flight when Dovecot died").isEqualTo(454);
            // the SMTP session itself is still usable
            assertThat(held.command("NOOP").code).isEqualTo(250);
            held.close();

            try (SmtpClient c = smtpFrom("127.0.0.1")) {
                assertThat(c.authPlain("user55", PW).code).as("Dovecot down").isEqualTo(454);
            }
            dovecot.restart();
            assertThat(authUntilNot454("127.0.0.1", "user56")).isEqualTo(235);
        } finally {
            pool.shutdownNow();
            if (!dovecot.isRunning()) {
                dovecot.restart();
            }
        }
    }

    /** Dovecot's log passes through its log process: wait (at most 5 s) until a line matches. */
    private static void awaitDovecotLog(String regex) throws InterruptedException {
        java.util.regex.Pattern p = java.util.regex.Pattern.compile(regex);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!p.matcher(dovecot.log()).find() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(dovecot.log()).containsPattern(p);
    }

    /** AUTH PLAIN every 200 ms until something else than 454 comes (at most 10 s: backoff_max is 2s). */
    private static int authUntilNot454(String from, String user) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        int code;
        do {
            try (SmtpClient c = smtpFrom(from)) {
                code = c.authPlain(user, PW).code;
            }
            if (code != 454) {
                return code;
            }
            Thread.sleep(200);
        } while (System.nanoTime() < deadline);
        return code;
    }
}
