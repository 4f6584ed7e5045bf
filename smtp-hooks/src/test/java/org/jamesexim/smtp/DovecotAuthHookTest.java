package org.jamesexim.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import org.apache.commons.configuration2.BaseHierarchicalConfiguration;
import org.apache.james.core.Username;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.jamesexim.dovecot.testing.RealDovecot;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.jamesexim.smtp.testing.TestSessions;
import org.junit.jupiter.api.Test;

/**
 * The hook against a real Dovecot, for what the end-to-end tests through James do not reach: {@code server_set_id=login},
 * {@code reject_nologin}, and {@code secured} for a TLS session from another address. The SMTP session is a stand-in
 * holding only what the hook reads and writes (addresses, TLS flag, session id, user, relaying).
 */
class DovecotAuthHookTest {
    private static RealDovecot dovecot;

    @BeforeAll
    static void start() throws Exception {
        dovecot = RealDovecot.start();
    }

    @AfterAll
    static void stop() {
        dovecot.close();
    }

    /** A session from {@code remoteIp} to port 587 that records what the hook sets into {@code state} ({@code user}, {@code relay}). */
    static SMTPSession session(String remoteIp, boolean tls, Map<String, Object> state) {
        return TestSessions.builder().state(state).id("S-" + remoteIp).local("127.0.0.1", 587).remote(remoteIp, 40123).tls(tls).build();
    }

    private static DovecotAuthHook hook(String... extra) throws Exception {
        BaseHierarchicalConfiguration c = new BaseHierarchicalConfiguration();
        c.addProperty("server_socket", dovecot.unixSocket());
        for (int i = 0; i < extra.length; i += 2) {
            c.addProperty(extra[i], extra[i + 1]);
        }
        DovecotAuthHook hook = new DovecotAuthHook();
        hook.init(c);
        return hook;
    }

    /** Dovecot's answers counted as jexim.dovecot_auth.<answer>, each request timed as jexim.dovecot.auth (docs/dovecot-auth.md). */
    @Test
    void answersAreCountedAndRequestsTimed() throws Exception {
        org.apache.james.metrics.tests.RecordingMetricFactory metrics = new org.apache.james.metrics.tests.RecordingMetricFactory();
        DovecotAuthHook hook = new DovecotAuthHook(metrics);
        BaseHierarchicalConfiguration c = new BaseHierarchicalConfiguration();
        c.addProperty("server_socket", dovecot.unixSocket());
        c.addProperty("user_domain", "example.test");
        hook.init(c);
        try {
            assertThat(hook.doAuth(session("192.0.2.71", false, new HashMap<>()), Username.of("bob"), RealDovecot.PASSWORD)
                .getSmtpRetCode()).isEqualTo("235");
            assertThat(hook.doAuth(session("192.0.2.72", false, new HashMap<>()), Username.of("alice"), RealDovecot.PASSWORD)
                .getSmtpRetCode()).isEqualTo("235");
            assertThat(hook.doAuth(session("192.0.2.73", false, new HashMap<>()), Username.of("bob"), "wrong")
                .getSmtpRetCode()).isEqualTo("535");
        } finally {
            hook.destroy();
        }
        assertThat(metrics.countForPrefixName("jexim.dovecot_auth.")).containsOnly(Map.entry("jexim.dovecot_auth.ok", 2),
            Map.entry("jexim.dovecot_auth.fail", 1));
        assertThat(metrics.executionTimesFor(DovecotAuthHook.AUTH_TIMER)).hasSize(3);
    }

    /**
     * Dovecot's user= without a domain (the test Dovecot's %Ln) becomes the James address user@user_domain, the
     * identity verifyIdentity holds MAIL FROM to. Before: the session was the bare "bob", which James's
     * verifyIdentity could never match with a local sender (and the example file did not turn it on).
     */
    @Test
    void userDomainMakesDovecotsBareUserAnAddress() throws Exception {
        DovecotAuthHook hook = hook("user_domain", "Example.Test");
        try {
            Map<String, Object> state = new HashMap<>();
            HookResult r = hook.doAuth(session("192.0.2.64", false, state), Username.of("BoB@example.test"), RealDovecot.PASSWORD);
            assertThat(r.getSmtpRetCode()).isEqualTo("235");
            assertThat(((Username) state.get("user")).asString()).isEqualTo("bob@example.test");
        } finally {
            hook.destroy();
        }
    }

    @Test
    void serverSetIdLoginKeepsTheNameAsTyped() throws Exception {
        DovecotAuthHook hook = hook("server_set_id", "login");
        try {
            Map<String, Object> state = new HashMap<>();
            HookResult r = hook.doAuth(session("192.0.2.61", false, state), Username.of("Bob@Example.Test"),
                RealDovecot.PASSWORD);
            assertThat(r.getResult()).isEqualTo(HookReturnCode.ok());
            assertThat(r.getSmtpRetCode()).isEqualTo("235");
            // James itself lower-cases user names (Username.of); the domain stays: the login as the client sent it
            assertThat(((Username) state.get("user")).asString()).isEqualTo("bob@example.test");
            assertThat(state).containsEntry("relay", true);
        } finally {
            hook.destroy();
        }
        DovecotAuthHook byUser = hook();
        try {
            Map<String, Object> state = new HashMap<>();
            byUser.doAuth(session("192.0.2.62", false, state), Username.of("Bob@Example.Test"), RealDovecot.PASSWORD);
            // Dovecot's user= (auth_username_format %Ln: no domain)
            assertThat(((Username) state.get("user")).asString()).isEqualTo("bob");
        } finally {
            byUser.destroy();
        }
    }

    /** Exim's server_condition as serverConditionLookup: after Dovecot's OK, yes allows, no refuses, the rest defers. */
    @Test
    void serverConditionLookupVetoesAfterDovecotsOk(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path users = java.nio.file.Files.writeString(dir.resolve("smtp-users"),
            "# who may send through us\nbob@example.test: yes\nalice@example.test: no\ndave@example.test: maybe\n");
        DovecotAuthHook hook = hook("user_domain", "example.test", "serverConditionLookup", users.toString());
        try {
            Map<String, Object> bob = new HashMap<>();
            assertThat(hook.doAuth(session("192.0.2.81", false, bob), Username.of("bob"), RealDovecot.PASSWORD).getSmtpRetCode()).isEqualTo("235");
            assertThat(((Username) bob.get("user")).asString()).isEqualTo("bob@example.test");
            Map<String, Object> alice = new HashMap<>();
            HookResult no = hook.doAuth(session("192.0.2.82", false, alice), Username.of("alice"), RealDovecot.PASSWORD);
            assertThat(no.getResult()).isEqualTo(HookReturnCode.deny());
            assertThat(no.getSmtpRetCode()).isEqualTo("535");
            assertThat(alice).doesNotContainKey("user").doesNotContainKey("relay");
            Map<String, Object> dave = new HashMap<>();
            HookResult maybe = hook.doAuth(session("192.0.2.83", false, dave), Username.of("dave"), RealDovecot.PASSWORD);
            assertThat(maybe.getResult()).isEqualTo(HookReturnCode.denySoft());
            assertThat(maybe.getSmtpRetCode()).isEqualTo("454");
            assertThat(dave).doesNotContainKey("user");
            // a wrong password is Dovecot's FAIL: the condition is never asked
            assertThat(hook.doAuth(session("192.0.2.84", false, new HashMap<>()), Username.of("bob"), "wrong").getSmtpRetCode()).isEqualTo("535");
        } finally {
            hook.destroy();
        }
        // a lookup that cannot be done (here: no driver for the URL) defers, never 535
        DovecotAuthHook down = hook("serverConditionLookup", "jdbc:nosuchdb://127.0.0.1/users", "serverConditionLookupQuery",
            "SELECT allowed FROM users WHERE login = $key");
        try {
            Map<String, Object> s = new HashMap<>();
            HookResult r = down.doAuth(session("192.0.2.85", false, s), Username.of("bob"), RealDovecot.PASSWORD);
            assertThat(r.getSmtpRetCode()).isEqualTo("454");
            assertThat(s).doesNotContainKey("user").doesNotContainKey("relay");
        } finally {
            down.destroy();
        }
    }

    @Test
    void rejectNologin() throws Exception {
        DovecotAuthHook parity = hook();
        DovecotAuthHook strict = hook("reject_nologin", "true");
        try {
            Map<String, Object> s1 = new HashMap<>();
            assertThat(parity.doAuth(session("192.0.2.63", false, s1), Username.of("dave"), RealDovecot.PASSWORD)
                .getSmtpRetCode()).isEqualTo("235");
            Map<String, Object> s2 = new HashMap<>();
            HookResult r = strict.doAuth(session("192.0.2.64", false, s2), Username.of("dave"), RealDovecot.PASSWORD);
            assertThat(r.getResult()).isEqualTo(HookReturnCode.deny());
            assertThat(r.getSmtpRetCode()).isEqualTo("535");
            assertThat(s2).doesNotContainKey("user").doesNotContainKey("relay");
        } finally {
            parity.destroy();
            strict.destroy();
        }
    }

    @Test
    void tlsSessionIsSecuredAndWrongPasswordIs535() throws Exception {
        DovecotAuthHook hook = hook();
        try {
            Map<String, Object> state = new HashMap<>();
            HookResult r = hook.doAuth(session("192.0.2.65", true, state), Username.of("alice"), "wrong");
            assertThat(r.getSmtpRetCode()).isEqualTo("535");
            assertThat(r.getSmtpDescription()).startsWith("5.7.8");
            assertThat(state).isEmpty();
            Pattern line = Pattern.compile("client in: AUTH\t[0-9]+\tPLAIN\tservice=smtp\tlip=127\\.0\\.0\\.1\trip=192\\.0\\.2\\.65"
                + "\tlport=587\trport=40123\tsecured\tsession=S-192\\.0\\.2\\.65\tresp=<hidden>");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (!line.matcher(dovecot.log()).find() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(dovecot.log()).containsPattern(line).doesNotContain("wrong");
        } finally {
            hook.destroy();
        }
    }

    @Test
    void dovecotDownIs454() throws Exception {
        BaseHierarchicalConfiguration c = new BaseHierarchicalConfiguration();
        c.addProperty("server_socket", dovecot.directory().resolve("no-such-socket").toString());
        DovecotAuthHook hook = new DovecotAuthHook();
        hook.init(c);
        try {
            HookResult r = hook.doAuth(session("192.0.2.66", false, new HashMap<>()), Username.of("alice"), RealDovecot.PASSWORD);
            assertThat(r.getResult()).isEqualTo(HookReturnCode.denySoft());
            assertThat(r.getSmtpRetCode()).isEqualTo("454");
            assertThat(r.getSmtpDescription()).isEqualTo("4.7.0 Temporary authentication failure");
        } finally {
            hook.destroy();
        }
    }
}
